package org.ctrflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.Map;
import java.util.Set;

/**
 * The strategic-merge-patch subset the overlays use, with kustomize's semantics (no Kustomize
 * library exists for Java, see {@link KustomizeRenderer}):
 *
 * <ul>
 *   <li>maps merge key by key, recursively; a {@code null} value deletes the key;
 *   <li>lists of built-in kinds merge by the schema's patch merge key for the fields that have one
 *       ({@code containers}, {@code initContainers}, {@code env}, {@code volumes}: {@code name};
 *       {@code volumeMounts}: {@code mountPath}; container {@code ports}: {@code containerPort};
 *       service {@code ports}: {@code port}); every other list is replaced whole;
 *   <li>lists of custom resources (no schema in kustomize) merge by {@code name} when every element
 *       of both lists has one (kyaml's only inferred key), else are replaced whole.
 * </ul>
 *
 * SMP directives ({@code $patch}, {@code $setElementOrder}, {@code $retainKeys}) are not supported
 * and fail loudly, so a patch can never be silently misapplied.
 */
final class StrategicMerge {

  private static final Map<String, String> BUILT_IN_MERGE_KEYS =
      Map.of(
          "containers", "name",
          "initContainers", "name",
          "env", "name",
          "volumes", "name",
          "imagePullSecrets", "name",
          "volumeMounts", "mountPath");

  private static final Set<String> BUILT_IN_GROUPS =
      Set.of(
          "v1",
          "apps/v1",
          "autoscaling/v2",
          "policy/v1",
          "networking.k8s.io/v1",
          "rbac.authorization.k8s.io/v1");

  private StrategicMerge() {}

  /** Whether kustomize knows this kind's schema (and so its patch merge keys). */
  static boolean isBuiltIn(JsonNode object) {
    return BUILT_IN_GROUPS.contains(object.path("apiVersion").asText());
  }

  /** Merges {@code patch} into {@code target} in place. */
  static void merge(ObjectNode target, ObjectNode patch, boolean builtIn, String path) {
    Iterator<Map.Entry<String, JsonNode>> fields = patch.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      String key = field.getKey();
      String at = path + "/" + key;
      if (key.startsWith("$")) {
        throw new IllegalArgumentException(
            at + ": strategic-merge directive " + key + " is not supported by this renderer");
      }
      JsonNode value = field.getValue();
      JsonNode current = target.get(key);
      if (value.isNull()) {
        target.remove(key);
      } else if (value.isObject() && current != null && current.isObject()) {
        merge((ObjectNode) current, (ObjectNode) value, builtIn, at);
      } else if (value.isArray() && current != null && current.isArray()) {
        String mergeKey = mergeKey(key, (ArrayNode) current, (ArrayNode) value, builtIn);
        if (mergeKey == null) {
          target.set(key, value.deepCopy());
        } else {
          mergeList((ArrayNode) current, (ArrayNode) value, mergeKey, builtIn, at);
        }
      } else {
        target.set(key, value.deepCopy());
      }
    }
  }

  private static String mergeKey(
      String field, ArrayNode current, ArrayNode patch, boolean builtIn) {
    if (builtIn) {
      if (field.equals("ports")) {
        return allHave(current, "containerPort") && allHave(patch, "containerPort")
            ? "containerPort"
            : "port";
      }
      return BUILT_IN_MERGE_KEYS.get(field);
    }
    return allHave(current, "name") && allHave(patch, "name") ? "name" : null;
  }

  private static boolean allHave(ArrayNode list, String key) {
    for (JsonNode element : list) {
      if (!element.isObject() || !element.has(key)) {
        return false;
      }
    }
    return true;
  }

  private static void mergeList(
      ArrayNode current, ArrayNode patch, String mergeKey, boolean builtIn, String path) {
    for (JsonNode element : patch) {
      if (!element.has(mergeKey)) {
        throw new IllegalArgumentException(
            path + ": every patch element needs its merge key '" + mergeKey + "'");
      }
      ObjectNode match = null;
      for (JsonNode existing : current) {
        if (existing.path(mergeKey).equals(element.get(mergeKey))) {
          match = (ObjectNode) existing;
        }
      }
      if (match == null) {
        current.add(element.deepCopy());
      } else {
        merge(match, (ObjectNode) element, builtIn, path + "[" + element.get(mergeKey) + "]");
      }
    }
  }
}
