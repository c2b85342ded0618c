package org.ctrflow.models.features;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/**
 * Versioned JSON form of a {@link FeatureSchema}, stored with every model snapshot:
 *
 * <pre>{@code
 * {"formatVersion":1, "name":"frappe", "hash":"murmur3_x64_128/utf8", "seed":0,
 *  "totalRows":5392,
 *  "fields":[{"name":"user","encoding":"idRange","first":0,"last":956}, ...],
 *  "gateContexts":[["user"],["item"]]}
 * }</pre>
 *
 * Encodings: {@code hashed} (buckets), {@code idRange} (first, last), {@code vocabulary} (values),
 * {@code logSquared} (lowest, highest), {@code log1p} (buckets), {@code boundaries} (boundaries).
 * {@code totalRows} is redundant and checked on reading, so a layout that would decode differently
 * fails instead of silently scrambling the embedding table.
 */
public final class FeatureSchemaCodec {

  /** The version this code writes. */
  public static final int FORMAT_VERSION = 1;

  /** The versions this code reads. */
  public static final List<Integer> SUPPORTED_VERSIONS = List.of(1);

  static final String HASH = "murmur3_x64_128/utf8";

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  private FeatureSchemaCodec() {}

  public static String toJson(FeatureSchema schema) {
    ObjectNode root = JSON.createObjectNode();
    root.put("formatVersion", FORMAT_VERSION);
    root.put("name", schema.name());
    root.put("hash", HASH);
    root.put("seed", schema.seed());
    root.put("totalRows", schema.totalRows());
    ArrayNode fields = root.putArray("fields");
    for (FieldSpec field : schema.fields()) {
      writeEncoding(field.encoding(), fields.addObject().put("name", field.name()));
    }
    ArrayNode gates = root.putArray("gateContexts");
    schema.gateContexts().forEach(context -> context.forEach(gates.addArray()::add));
    try {
      return JSON.writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write a JSON tree: " + e.getMessage(), e);
    }
  }

  /**
   * @throws IllegalArgumentException for malformed JSON, an unsupported format version or hash, a
   *     missing or invalid member, or a {@code totalRows} that does not match the fields
   */
  public static FeatureSchema fromJson(String json) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("feature schema is not valid JSON: " + e.getMessage(), e);
    }
    if (!root.isObject()) {
      throw new IllegalArgumentException(
          "feature schema must be a JSON object {\"formatVersion\":1, ...}; was "
              + root.getNodeType());
    }
    int version = required(root, "formatVersion", "the schema").asInt();
    if (!SUPPORTED_VERSIONS.contains(version)) {
      throw new IllegalArgumentException(
          "feature schema formatVersion "
              + required(root, "formatVersion", "the schema")
              + " is not supported; supported versions: "
              + SUPPORTED_VERSIONS);
    }
    String hash = required(root, "hash", "the schema").asText();
    if (!HASH.equals(hash)) {
      throw new IllegalArgumentException(
          "feature schema hash '" + hash + "' is not supported; supported: '" + HASH + "'");
    }
    FeatureSchema.Builder builder =
        FeatureSchema.builder()
            .optName(required(root, "name", "the schema").asText())
            .optSeed(required(root, "seed", "the schema").asInt());
    for (JsonNode field : required(root, "fields", "the schema")) {
      builder.addField(field(field));
    }
    List<List<String>> gates = new ArrayList<>();
    for (JsonNode gate : required(root, "gateContexts", "the schema")) {
      gates.add(texts(gate));
    }
    FeatureSchema schema = builder.optGateContexts(gates).build();
    int declared = required(root, "totalRows", "the schema").asInt();
    if (declared != schema.totalRows()) {
      throw new IllegalArgumentException(
          "feature schema declares totalRows "
              + declared
              + " but its fields need "
              + schema.totalRows()
              + "; the file was edited or written by an incompatible version");
    }
    return schema;
  }

  private static void writeEncoding(FieldEncoding encoding, ObjectNode node) {
    if (encoding instanceof CategoricalEncoding.Hashed h) {
      node.put("encoding", "hashed").put("buckets", h.buckets());
    } else if (encoding instanceof CategoricalEncoding.IdRange r) {
      node.put("encoding", "idRange").put("first", r.first()).put("last", r.last());
    } else if (encoding instanceof CategoricalEncoding.Vocabulary v) {
      v.values().forEach(node.put("encoding", "vocabulary").putArray("values")::add);
    } else if (encoding instanceof NumericEncoding.LogSquared l) {
      node.put("encoding", "logSquared").put("lowest", l.lowest()).put("highest", l.highest());
    } else if (encoding instanceof NumericEncoding.Log1p l) {
      node.put("encoding", "log1p").put("buckets", l.buckets());
    } else {
      ((NumericEncoding.Boundaries) encoding)
          .boundaries()
          .forEach(node.put("encoding", "boundaries").putArray("boundaries")::add);
    }
  }

  private static FieldSpec field(JsonNode node) {
    String name = required(node, "name", "a field").asText();
    String where = "field '" + name + "'";
    String encoding = required(node, "encoding", where).asText();
    return switch (encoding) {
      case "hashed" -> FieldSpec.hashed(name, required(node, "buckets", where).asInt());
      case "idRange" ->
          FieldSpec.idRange(
              name,
              required(node, "first", where).asLong(),
              required(node, "last", where).asLong());
      case "vocabulary" -> FieldSpec.vocabulary(name, texts(required(node, "values", where)));
      case "logSquared" ->
          FieldSpec.logSquared(
              name,
              required(node, "lowest", where).asInt(),
              required(node, "highest", where).asInt());
      case "log1p" -> FieldSpec.log1p(name, required(node, "buckets", where).asInt());
      case "boundaries" -> {
        List<Double> bounds = new ArrayList<>();
        required(node, "boundaries", where).forEach(b -> bounds.add(b.asDouble()));
        yield FieldSpec.boundaries(name, bounds);
      }
      default ->
          throw new IllegalArgumentException(
              where
                  + " has unknown encoding '"
                  + encoding
                  + "'; expected one of hashed, idRange, vocabulary, logSquared, log1p,"
                  + " boundaries");
    };
  }

  private static List<String> texts(JsonNode array) {
    List<String> texts = new ArrayList<>();
    array.forEach(t -> texts.add(t.asText()));
    return texts;
  }

  private static JsonNode required(JsonNode node, String member, String where) {
    JsonNode value = node.get(member);
    if (value == null || value.isNull()) {
      throw new IllegalArgumentException(where + " lacks the required member '" + member + "'");
    }
    return value;
  }
}
