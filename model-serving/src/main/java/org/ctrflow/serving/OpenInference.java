package org.ctrflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Scores;

/**
 * The Open Inference Protocol (KServe v2) mapping of a CTR model: one input tensor per feature
 * field, named after it, of shape {@code [B]} (or {@code [B, 1]}); categorical fields are {@code
 * BYTES} tensors of strings, numeric fields {@code FP32}/{@code FP64}/{@code INT32}/{@code INT64}
 * tensors (an {@code INT} tensor's elements must be integers in its range); a {@code null} element
 * is a missing value and an absent field is missing in every row. The one output, {@code
 * probability}, is an {@code FP64} tensor of shape {@code [B]}. Nothing is coerced and no member is
 * ignored: a shape element that is not an integer, a member the protocol does not define, or a
 * requested output other than {@code probability} is refused, naming it.
 */
final class OpenInference {

  static final String OUTPUT = "probability";
  private static final Set<String> NUMERIC_TYPES = Set.of("FP32", "FP64", "INT32", "INT64");
  private static final List<String> REQUEST_MEMBERS =
      List.of("id", "parameters", "inputs", "outputs");
  private static final List<String> TENSOR_MEMBERS =
      List.of("name", "datatype", "shape", "parameters", "data");
  private static final List<String> OUTPUT_MEMBERS = List.of("name", "parameters");

  private OpenInference() {}

  /** The request's rows; errors name the input, e.g. {@code inputs[1].datatype}. */
  static List<FeatureRow> parseRequest(JsonNode body, FeatureRows fields) {
    checkMembers("", body, REQUEST_MEMBERS);
    JsonNode id = body.get("id");
    if (id != null && !id.isTextual()) {
      throw ApiException.badRequest("id: must be a string, was " + id);
    }
    checkOutputs(body.get("outputs"));
    JsonNode inputs = Json.field(body, "inputs");
    if (!inputs.isArray() || inputs.isEmpty()) {
      throw ApiException.badRequest("inputs: must be a non-empty array of tensors");
    }
    int batch = -1;
    List<Map<String, String>> categorical = new ArrayList<>();
    List<Map<String, Double>> numeric = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < inputs.size(); i++) {
      String where = "inputs[" + i + "]";
      JsonNode input = inputs.get(i);
      if (!input.isObject()) {
        throw ApiException.badRequest(where + ": must be a tensor object");
      }
      checkMembers(where + ".", input, TENSOR_MEMBERS);
      JsonNode nameNode = Json.field(input, "name");
      if (!nameNode.isTextual()) {
        throw ApiException.badRequest(where + ".name: must be a string, was " + nameNode);
      }
      String name = nameNode.textValue();
      boolean isNumeric = fields.isNumeric(where + ".name", name);
      if (!seen.add(name)) {
        throw ApiException.badRequest(where + ".name: feature '" + name + "' given twice");
      }
      String datatype = checkDatatype(where, input, isNumeric);
      int rows = rowsOf(where, input, fields);
      if (batch < 0) {
        batch = rows;
        for (int r = 0; r < rows; r++) {
          categorical.add(new HashMap<>());
          numeric.add(new HashMap<>());
        }
      } else if (rows != batch) {
        throw ApiException.badRequest(
            where + ".shape: has " + rows + " rows, inputs[0] has " + batch);
      }
      JsonNode data = Json.field(input, "data");
      if (!data.isArray() || data.size() != rows) {
        throw ApiException.badRequest(
            where
                + ".data: must be an array of "
                + rows
                + " elements (the shape), was "
                + describe(data));
      }
      for (int r = 0; r < rows; r++) {
        String at = where + ".data[" + r + "]";
        checkInteger(at, datatype, data.get(r));
        fields.put(at, name, data.get(r), categorical.get(r), numeric.get(r));
      }
    }
    List<FeatureRow> out = new ArrayList<>(batch);
    for (int r = 0; r < batch; r++) {
      out.add(new FeatureRow(categorical.get(r), numeric.get(r)));
    }
    return out;
  }

  /** Refuses members other than {@code known}, and a {@code parameters} that is not an object. */
  private static void checkMembers(String prefix, JsonNode object, List<String> known) {
    object
        .fieldNames()
        .forEachRemaining(
            name -> {
              if (!known.contains(name)) {
                throw ApiException.badRequest(
                    prefix + name + ": unknown member; expected " + known);
              }
            });
    JsonNode parameters = object.get("parameters");
    if (parameters != null && !parameters.isObject()) {
      throw ApiException.badRequest(prefix + "parameters: must be an object, was " + parameters);
    }
  }

  /** The requested outputs, if any, can only be the one output. */
  private static void checkOutputs(JsonNode outputs) {
    if (outputs == null) {
      return;
    }
    if (!outputs.isArray()) {
      throw ApiException.badRequest("outputs: must be an array of requested outputs");
    }
    for (int i = 0; i < outputs.size(); i++) {
      String where = "outputs[" + i + "]";
      JsonNode output = outputs.get(i);
      if (!output.isObject()) {
        throw ApiException.badRequest(where + ": must be an object");
      }
      checkMembers(where + ".", output, OUTPUT_MEMBERS);
      JsonNode name = Json.field(output, "name");
      if (!name.isTextual() || !name.textValue().equals(OUTPUT)) {
        throw ApiException.badRequest(
            where + ".name: this model's only output is '" + OUTPUT + "', was " + name);
      }
    }
  }

  /** An INT32/INT64 tensor's element must be an integer within the type's range. */
  private static void checkInteger(String where, String datatype, JsonNode value) {
    if (!datatype.startsWith("INT") || !value.isNumber()) {
      return; // not an integer tensor, or not a number: the field's own check names it
    }
    boolean fits =
        datatype.equals("INT32")
            ? value.isIntegralNumber() && value.canConvertToInt()
            : value.isIntegralNumber() && value.canConvertToLong();
    if (!fits) {
      throw ApiException.badRequest(
          where + ": must be an integer (" + datatype + " tensor), was " + value);
    }
  }

  /** The tensor's datatype, checked against its feature's kind. */
  private static String checkDatatype(String where, JsonNode input, boolean isNumeric) {
    JsonNode type = Json.field(input, "datatype");
    String t = type.isTextual() ? type.textValue() : String.valueOf(type);
    if (isNumeric ? !NUMERIC_TYPES.contains(t) : !t.equals("BYTES")) {
      throw ApiException.badRequest(
          where
              + ".datatype: "
              + (isNumeric
                  ? "a numeric feature takes one of " + NUMERIC_TYPES
                  : "a categorical feature takes BYTES")
              + ", was "
              + type);
    }
    return t;
  }

  private static int rowsOf(String where, JsonNode input, FeatureRows fields) {
    JsonNode shape = Json.field(input, "shape");
    boolean valid =
        shape.isArray()
            && (shape.size() == 1 || (shape.size() == 2 && isLong(shape.get(1), 1)))
            && isLong(shape.get(0), -1)
            && shape.get(0).asLong() >= 1;
    if (!valid) {
      throw ApiException.badRequest(
          where + ".shape: must be [B] or [B, 1] with B >= 1, was " + shape);
    }
    fields.checkRowCount(where + ".shape", shape.get(0).asLong());
    return shape.get(0).intValue();
  }

  /**
   * An integer JSON number (never a string or a fraction) equal to {@code wanted}, or any if -1.
   */
  private static boolean isLong(JsonNode node, long wanted) {
    return node.isIntegralNumber()
        && node.canConvertToLong()
        && (wanted == -1 || node.longValue() == wanted);
  }

  private static String describe(JsonNode node) {
    return node.isArray()
        ? "an array of " + node.size()
        : node.getNodeType().toString().toLowerCase();
  }

  /** The response body of an infer call. */
  static Map<String, Object> response(Scores scores, JsonNode id) {
    Map<String, Object> output = new LinkedHashMap<>();
    output.put("name", OUTPUT);
    output.put("datatype", "FP64");
    output.put("shape", List.of(scores.size()));
    output.put("data", scores.probabilities());
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("model_name", scores.model().modelName());
    body.put("model_version", Long.toString(scores.model().version()));
    if (id != null && id.isTextual()) {
      body.put("id", id.textValue());
    }
    body.put("outputs", List.of(output));
    return body;
  }

  /** {@code GET /v2/models/{name}}: versions, inputs and the output. */
  static Map<String, Object> metadata(String name, List<Long> versions, FeatureRows fields) {
    List<Map<String, Object>> inputs = new ArrayList<>();
    for (String field : fields.fieldNames()) {
      Map<String, Object> input = new LinkedHashMap<>();
      input.put("name", field);
      input.put("datatype", fields.isNumeric("", field) ? "FP64" : "BYTES");
      input.put("shape", List.of(-1));
      inputs.add(input);
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("name", name);
    body.put("versions", versions.stream().map(String::valueOf).toList());
    body.put("platform", "ctrflow_djl_pytorch");
    body.put("inputs", inputs);
    body.put("outputs", List.of(Map.of("name", OUTPUT, "datatype", "FP64", "shape", List.of(-1))));
    return body;
  }
}
