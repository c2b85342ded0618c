package org.ctrflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Renders a kustomization directory the way {@code kustomize build} does, for the features the
 * project's kustomizations use. No Kustomize implementation exists for the JVM (Kustomize is Go;
 * Maven Central has none), so this is an equivalent merge, documented here:
 *
 * <ul>
 *   <li>{@code resources}: YAML files (multi-document) and directories holding a kustomization,
 *       rendered recursively, in order;
 *   <li>{@code patches} with a {@code path}: strategic-merge patches ({@link StrategicMerge}),
 *       applied to the object of the patch's own kind and name, or, with a {@code target} ({@code
 *       kind}, optional {@code name}), to every matching object; a patch that matches nothing is an
 *       error, as in kustomize;
 *   <li>{@code namespace}: set on every object (all of ours are namespaced).
 * </ul>
 *
 * Any other kustomization field, and JSON6902 patches, are rejected with a message naming them: the
 * renderer never silently ignores what kustomize would do.
 */
final class KustomizeRenderer {

  static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

  private static final Set<String> SUPPORTED =
      Set.of("apiVersion", "kind", "resources", "patches", "namespace");

  private KustomizeRenderer() {}

  /** The objects {@code kustomize build dir} would print. */
  static List<ObjectNode> render(Path dir) {
    Path file = dir.resolve("kustomization.yaml");
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(dir + " has no kustomization.yaml");
    }
    JsonNode k = readAll(file).get(0);
    k.fieldNames()
        .forEachRemaining(
            f -> {
              if (!SUPPORTED.contains(f)) {
                throw new IllegalArgumentException(
                    file
                        + ": field '"
                        + f
                        + "' is not supported by this renderer; supported: "
                        + SUPPORTED);
              }
            });
    if (!"Kustomization".equals(k.path("kind").asText())) {
      throw new IllegalArgumentException(file + ": kind must be Kustomization");
    }
    List<ObjectNode> objects = new ArrayList<>();
    for (JsonNode resource : k.path("resources")) {
      Path p = dir.resolve(resource.asText()).normalize();
      objects.addAll(Files.isDirectory(p) ? render(p) : readAll(p));
    }
    for (JsonNode patch : k.path("patches")) {
      applyPatch(dir, patch, objects);
    }
    if (k.hasNonNull("namespace")) {
      String ns = k.get("namespace").asText();
      objects.forEach(o -> ((ObjectNode) o.get("metadata")).put("namespace", ns));
    }
    return objects;
  }

  private static void applyPatch(Path dir, JsonNode patch, List<ObjectNode> objects) {
    Iterator<String> fields = patch.fieldNames();
    while (fields.hasNext()) {
      String f = fields.next();
      if (!f.equals("path") && !f.equals("target")) {
        throw new IllegalArgumentException(
            dir + ": patch field '" + f + "' is not supported (only path and target)");
      }
    }
    Path file = dir.resolve(patch.path("path").asText());
    for (ObjectNode body : readAll(file)) {
      JsonNode target = patch.get("target");
      String kind = target != null ? target.path("kind").asText() : body.path("kind").asText();
      String name =
          target != null
              ? target.path("name").asText(null)
              : body.path("metadata").path("name").asText();
      if (target != null) {
        Set<String> known = Set.of("kind", "name");
        target
            .fieldNames()
            .forEachRemaining(
                t -> {
                  if (!known.contains(t)) {
                    throw new IllegalArgumentException(
                        file + ": target field '" + t + "' is not supported (only kind, name)");
                  }
                });
      }
      ObjectNode content = body.deepCopy();
      if (target != null) {
        // With a target, the patch's own identity is not part of the content.
        content.remove(List.of("apiVersion", "kind", "metadata"));
      }
      int matched = 0;
      for (ObjectNode object : objects) {
        if (object.path("kind").asText().equals(kind)
            && (name == null || object.path("metadata").path("name").asText().equals(name))) {
          StrategicMerge.merge(object, content, StrategicMerge.isBuiltIn(object), "");
          matched++;
        }
      }
      if (matched == 0) {
        throw new IllegalArgumentException(
            file + ": patch for " + kind + (name == null ? "" : " " + name) + " matches nothing");
      }
    }
  }

  /** Every non-empty document of a YAML file. */
  static List<ObjectNode> readAll(Path file) {
    List<ObjectNode> docs = new ArrayList<>();
    try (var parser = YAML.getFactory().createParser(file.toFile())) {
      Iterator<JsonNode> it = YAML.readValues(parser, JsonNode.class);
      while (it.hasNext()) {
        JsonNode doc = it.next();
        if (doc != null && doc.isObject() && !doc.isEmpty()) {
          docs.add((ObjectNode) doc);
        } else if (doc != null && !doc.isNull() && !doc.isMissingNode() && !doc.isEmpty()) {
          throw new IllegalArgumentException(file + ": a document must be a mapping, was " + doc);
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException("reading " + file, e);
    }
    return docs;
  }

  /** The object of this kind and name; fails naming what exists when there is none. */
  static ObjectNode find(List<ObjectNode> objects, String kind, String name) {
    return objects.stream()
        .filter(o -> o.path("kind").asText().equals(kind))
        .filter(o -> o.path("metadata").path("name").asText().equals(name))
        .findFirst()
        .orElseThrow(
            () ->
                new AssertionError(
                    "no "
                        + kind
                        + " named "
                        + name
                        + "; rendered: "
                        + objects.stream()
                            .map(
                                o ->
                                    o.path("kind").asText() + "/" + o.at("/metadata/name").asText())
                            .toList()));
  }

  /** Objects of one kind. */
  static List<ObjectNode> ofKind(List<ObjectNode> objects, String kind) {
    return objects.stream().filter(o -> o.path("kind").asText().equals(kind)).toList();
  }

  static Map<String, Path> overlays(Path k8sDir) {
    return Map.of("dev", k8sDir.resolve("overlays/dev"), "prod", k8sDir.resolve("overlays/prod"));
  }
}
