package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.IntFunction;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.features.FieldSpec;
import org.ctrflow.models.features.NumericEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The heap a parsed request holds, measured (heap in use after a full collection, before and while
 * the tree and its feature rows are held) for full-size requests of both API forms and for the
 * smallest values a tensor can have; the admission estimate must bound each. Prints the figures
 * docs/concepts/model-serving.md quotes.
 */
@Timeout(120)
class RequestHeapTest {

  private static final int ROWS = 4_096;
  private static final int MAX_VALUES = ServingConfig.MAX_JSON_VALUES.defaultValue();

  @Test
  void theAdmissionEstimateBoundsWhatAParsedRequestHolds() {
    for (FeatureSchema schema : List.of(FeatureSchemas.frappe(), FeatureSchemas.criteo())) {
      measure(schema, "compact", compact(schema), true);
      measure(schema, "OIP", oip(schema), false);
    }
    StringBuilder tiny = new StringBuilder("{\"inputs\": [{\"name\": \"user\", \"datatype\":");
    tiny.append(" \"BYTES\", \"shape\": [1], \"data\": [");
    for (int i = 0; i < MAX_VALUES - 8; i++) {
      tiny.append(i == 0 ? "\"1\"" : ",\"1\"");
    }
    tiny.append("]}]}");
    measure(FeatureSchemas.frappe(), "BYTES tensor of \"1\"", tiny.toString(), false);
  }

  private static void measure(FeatureSchema schema, String form, String text, boolean compact) {
    byte[] body = text.getBytes(StandardCharsets.UTF_8);
    long before = heapInUse();
    JsonNode tree = Json.parseObject(body, MAX_VALUES);
    long treeBytes = heapInUse() - before;
    FeatureRows fields = new FeatureRows(schema, 1 << 20);
    Object rows = null;
    if (compact) {
      rows = fields.parseCompact(tree);
    } else if (tree.get("inputs").get(0).get("shape").get(0).asInt() == ROWS) {
      rows = OpenInference.parseRequest(tree, fields);
    }
    long held = heapInUse() - before + body.length;
    long values = values(tree);
    long estimate = RequestBodies.heapEstimate(body.length, MAX_VALUES);
    System.out.printf(
        "%s %s: body %,d B, %,d JSON values, tree %,d B, tree + rows %s, %d B per value;"
            + " estimate %,d B%n",
        schema.name(),
        form,
        body.length,
        values,
        treeBytes,
        rows == null ? "-" : String.format("%,d B", held - body.length),
        (held - body.length) / values,
        estimate);
    assertThat(estimate).as("%s %s", schema.name(), form).isGreaterThanOrEqualTo(held);
    assertThat(tree).isNotNull(); // keeps the tree reachable until measured
  }

  private static String compact(FeatureSchema schema) {
    List<String> rows = new ArrayList<>();
    for (int r = 0; r < ROWS; r++) {
      List<String> features = new ArrayList<>();
      for (FieldSpec f : schema.fields()) {
        features.add("\"" + f.name() + "\": " + value(f).apply(r));
      }
      rows.add("{" + String.join(", ", features) + "}");
    }
    return "{\"rows\": [" + String.join(", ", rows) + "]}";
  }

  private static String oip(FeatureSchema schema) {
    List<String> inputs = new ArrayList<>();
    for (FieldSpec f : schema.fields()) {
      List<String> data = new ArrayList<>();
      for (int r = 0; r < ROWS; r++) {
        data.add(value(f).apply(r));
      }
      inputs.add(
          "{\"name\": \""
              + f.name()
              + "\", \"datatype\": \""
              + (numeric(f) ? "INT64" : "BYTES")
              + "\", \"shape\": ["
              + ROWS
              + "], \"data\": ["
              + String.join(", ", data)
              + "]}");
    }
    return "{\"inputs\": [" + String.join(", ", inputs) + "]}";
  }

  private static IntFunction<String> value(FieldSpec field) {
    return numeric(field) ? r -> Integer.toString(r % 7) : r -> "\"" + (r % 100) + "\"";
  }

  private static boolean numeric(FieldSpec field) {
    return field.encoding() instanceof NumericEncoding;
  }

  private static long values(JsonNode node) {
    long n = 1;
    for (JsonNode child : node) {
      n += values(child);
    }
    return n;
  }

  private static long heapInUse() {
    Runtime runtime = Runtime.getRuntime();
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return runtime.totalMemory() - runtime.freeMemory();
  }
}
