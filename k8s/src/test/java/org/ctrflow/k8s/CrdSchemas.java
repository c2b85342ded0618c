package org.ctrflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Validates custom resources against a CustomResourceDefinition's {@code openAPIV3Schema}, the way
 * {@code kubectl apply --validate=strict} does: besides types, enums and required fields, a field
 * the schema does not declare is an error (an API server would silently prune it). Objects marked
 * {@code x-kubernetes-preserve-unknown-fields} (e.g. {@code flinkConfiguration}) stay open.
 */
final class CrdSchemas {

  private final Map<String, Schema> schemas = new HashMap<>();

  /** Loads every CRD file; each served version becomes apiVersion "group/version" + kind. */
  static CrdSchemas load(List<Path> crdFiles) {
    CrdSchemas crds = new CrdSchemas();
    SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
    for (Path file : crdFiles) {
      for (ObjectNode crd : KustomizeRenderer.readAll(file)) {
        String group = crd.at("/spec/group").asText();
        String kind = crd.at("/spec/names/kind").asText();
        for (JsonNode version : crd.at("/spec/versions")) {
          ObjectNode schema = (ObjectNode) version.at("/schema/openAPIV3Schema").deepCopy();
          String apiVersion = group + "/" + version.path("name").asText();
          // The API server handles these three itself; the CRD schema leaves them out.
          ObjectNode root = (ObjectNode) schema.get("properties");
          root.putObject("apiVersion").put("const", apiVersion);
          root.putObject("kind").put("const", kind);
          root.putObject("metadata").put("type", "object");
          schema.putArray("required").add("apiVersion").add("kind").add("metadata");
          closeObjects(schema);
          String key = apiVersion + "/" + kind;
          crds.schemas.put(key, registry.getSchema(schema));
        }
      }
    }
    return crds;
  }

  boolean knows(JsonNode object) {
    return schemas.containsKey(TypedModels.key(object));
  }

  /** The schema violations of one object, each with its JSON path; empty when valid. */
  List<String> violations(JsonNode object) {
    Schema schema = schemas.get(TypedModels.key(object));
    if (schema == null) {
      throw new IllegalArgumentException("no CRD schema for " + TypedModels.key(object));
    }
    List<String> out = new ArrayList<>();
    for (Error error : schema.validate(object)) {
      out.add(error.toString());
    }
    return out;
  }

  /** Adds {@code additionalProperties: false} where the schema lists properties and no more. */
  private static void closeObjects(JsonNode node) {
    if (node.isObject()) {
      ObjectNode o = (ObjectNode) node;
      if (o.has("properties")
          && !o.has("additionalProperties")
          && !o.path("x-kubernetes-preserve-unknown-fields").asBoolean(false)) {
        o.put("additionalProperties", false);
      }
      o.elements().forEachRemaining(CrdSchemas::closeObjects);
    } else if (node.isArray()) {
      node.elements().forEachRemaining(CrdSchemas::closeObjects);
    }
  }
}
