package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * Where a value sits in a record: a dotted path of member names ({@code user.id}) or, for names
 * holding dots, a JSON Pointer ({@code /user.v2/id}). Array elements take their index ({@code
 * items.0.id}).
 *
 * @param text the path as written in the mapping
 */
record FieldPath(String text) implements Serializable {

  FieldPath {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a path must not be blank; e.g. user.id or /user/id");
    }
    // Validates now, so a bad mapping fails at submission.
    pointer(text);
  }

  /** The value at this path, or null when any step is missing (or JSON null). */
  JsonNode resolve(JsonNode root) {
    JsonNode value = root.at(pointer(text));
    return value.isMissingNode() || value.isNull() ? null : value;
  }

  private static JsonPointer pointer(String text) {
    if (text.startsWith("/")) {
      try {
        return JsonPointer.compile(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a JSON Pointer: " + e.getMessage(), e);
      }
    }
    JsonPointer pointer = JsonPointer.empty();
    for (String step : text.split("\\.", -1)) {
      if (step.isEmpty()) {
        throw new IllegalArgumentException(
            "path '"
                + text
                + "' has an empty step; write member names joined by dots, e.g. user.id");
      }
      pointer = pointer.appendProperty(step);
    }
    return pointer;
  }
}
