package org.ctrflow.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/**
 * Reads the training job's {@code TrainingMetrics} JSON from the metrics topic into a {@link
 * ModelProgress}. Records of other sources on that topic (serving, queue) are not training reports
 * and yield null; a training report missing a required member is an error naming it.
 */
final class TrainingReport {

  private static final ObjectMapper JSON = new ObjectMapper();

  private TrainingReport() {}

  /**
   * @param key the record's key; training reports are keyed {@code training/<model>}
   * @return the report, or null when the record is not a training report
   * @throws IOException when a training report is not valid JSON or lacks a required member
   */
  static ModelProgress parse(String key, byte[] value) throws IOException {
    if (key == null || !key.startsWith("training/")) {
      return null;
    }
    JsonNode n = JSON.readTree(value);
    JsonNode overall = required(n, "overall");
    JsonNode window = required(n, "window");
    return new ModelProgress(
        required(n, "modelName").asText(),
        required(n, "modelVersion").asLong(),
        0,
        required(n, "examplesTrained").asLong(),
        required(n, "examplesPerSecond").asDouble(),
        optional(overall, "auc"),
        optional(overall, "logLoss"),
        optional(window, "auc"),
        optional(window, "logLoss"));
  }

  private static JsonNode required(JsonNode n, String field) throws IOException {
    JsonNode v = n == null ? null : n.get(field);
    if (v == null || v.isNull()) {
      throw new IOException("training metrics: " + field + ": missing");
    }
    return v;
  }

  private static Double optional(JsonNode n, String field) {
    JsonNode v = n.get(field);
    return v == null || v.isNull() ? null : v.asDouble();
  }
}
