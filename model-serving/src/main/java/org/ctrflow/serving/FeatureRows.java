package org.ctrflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FieldSpec;
import org.ctrflow.models.features.NumericEncoding;
import org.ctrflow.models.snapshot.FeatureRow;

/**
 * Turns request JSON into {@link FeatureRow}s, checked against the model's feature schema: every
 * name must be one of its fields, categorical fields take strings and numeric fields numbers
 * (nothing is coerced), and null means missing. Errors name the field, e.g. {@code rows[2].price:
 * must be a number, was "cheap"}.
 */
final class FeatureRows {

  private final FeatureSchema schema;
  private final Map<String, Boolean> numeric = new HashMap<>();
  private final int maxRows;

  FeatureRows(FeatureSchema schema, int maxRows) {
    this.schema = schema;
    this.maxRows = maxRows;
    for (FieldSpec field : schema.fields()) {
      numeric.put(field.name(), field.encoding() instanceof NumericEncoding);
    }
  }

  /** Whether {@code field} is numeric; throws naming the valid fields if it is not a field. */
  boolean isNumeric(String where, String field) {
    Boolean n = numeric.get(field);
    if (n == null) {
      throw ApiException.badRequest(
          where + ": unknown feature '" + field + "'; the model's features are " + fieldNames());
    }
    return n;
  }

  List<String> fieldNames() {
    return schema.fields().stream().map(FieldSpec::name).toList();
  }

  /** Rejects more than {@code max-rows} rows with 413. */
  void checkRowCount(String where, long rows) {
    if (rows > maxRows) {
      throw new ApiException(
          413, where + ": " + rows + " rows exceed this server's limit of " + maxRows);
    }
  }

  /** The compact CTR form: {@code {"rows": [{"user": "3", "price": 1.5}, ...]}}. */
  List<FeatureRow> parseCompact(JsonNode body) {
    JsonNode rows = Json.field(body, "rows");
    if (!rows.isArray() || rows.isEmpty()) {
      throw ApiException.badRequest("rows: must be a non-empty array of feature objects");
    }
    checkRowCount("rows", rows.size());
    List<FeatureRow> out = new ArrayList<>(rows.size());
    for (int i = 0; i < rows.size(); i++) {
      String where = "rows[" + i + "]";
      JsonNode row = rows.get(i);
      if (!row.isObject()) {
        throw ApiException.badRequest(where + ": must be an object of features, was " + row);
      }
      Map<String, String> categorical = new HashMap<>();
      Map<String, Double> numbers = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : row.properties()) {
        put(where + "." + e.getKey(), e.getKey(), e.getValue(), categorical, numbers);
      }
      out.add(new FeatureRow(categorical, numbers));
    }
    return out;
  }

  /** Adds one value to the row's maps, checked against the field's kind. */
  void put(
      String where,
      String field,
      JsonNode value,
      Map<String, String> categorical,
      Map<String, Double> numbers) {
    boolean isNumeric = isNumeric(where, field);
    if (value.isNull()) {
      return;
    }
    if (isNumeric) {
      if (!value.isNumber() || !Double.isFinite(value.asDouble())) {
        throw ApiException.badRequest(where + ": must be a finite number, was " + value);
      }
      numbers.put(field, value.asDouble());
    } else {
      if (!value.isTextual()) {
        throw ApiException.badRequest(
            where + ": must be a string (categorical feature), was " + value);
      }
      categorical.put(field, value.textValue());
    }
  }
}
