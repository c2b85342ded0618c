package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.core.JsonPointer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;

/**
 * Where a value sits in a record: a dotted path of member names ({@code user.id}) or, for names
 * holding dots, a JSON Pointer ({@code /user.v2/id}). Array elements take their index ({@code
 * items.0.id}). Validated when the mapping is read; compiled once per task.
 */
final class FieldPath implements Serializable {

  private static final long serialVersionUID = 1L;

  private final String text;
  private transient JsonPointer pointer;

  /**
   * @param text the path as written in the mapping
   * @throws IllegalArgumentException for a blank path, an empty step or a bad JSON Pointer
   */
  FieldPath(String text) {
    if (text == null || text.isBlank()) {
      throw new IllegalArgumentException("a path must not be blank; e.g. user.id or /user/id");
    }
    this.text = text;
    this.pointer = compile(text);
  }

  /** The path as written. */
  String text() {
    return text;
  }

  /** The value at this path, or null when any step is missing (or JSON null). */
  JsonNode resolve(JsonNode root) {
    if (pointer == null) {
      pointer = compile(text);
    }
    JsonNode value = root.at(pointer);
    return value.isMissingNode() || value.isNull() ? null : value;
  }

  private static JsonPointer compile(String text) {
    if (text.startsWith("/")) {
      try {
        return JsonPointer.compile(text);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "'" + text + "' is not a JSON Pointer: " + e.getMessage(), e);
      }
    }
    JsonPointer compiled = JsonPointer.empty();
    for (String step : text.split("\\.", -1)) {
      if (step.isEmpty()) {
        throw new IllegalArgumentException(
            "path '"
                + text
                + "' has an empty step; write member names joined by dots, e.g. user.id");
      }
      compiled = compiled.appendProperty(step);
    }
    return compiled;
  }

  @Override
  public String toString() {
    return text;
  }
}
