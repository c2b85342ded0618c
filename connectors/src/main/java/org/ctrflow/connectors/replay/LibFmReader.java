package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads libFM / SVMlight rows: {@code <label> <featureId>:<value> ...}. Label 1 is positive, -1 or
 * 0 negative.
 *
 * <p>The i-th feature of a row belongs to field {@code f<i>} (0-based) unless field names are
 * given, e.g. the {@link #FRAPPE_FIELDS} preset; with names, a row must have exactly one feature
 * per field. A feature with value 1 is a one-hot categorical: the field's value is the feature id
 * (libFM's global ids already distinguish the values of a field). Any other value makes it a
 * numeric feature named after the field; its id is dropped, because in libFM files a real-valued
 * column keeps one fixed id, so the field name identifies it.
 */
public final class LibFmReader extends DatasetReader {

  /** Frappe's fields, in the order its libFM files list them. */
  public static final List<String> FRAPPE_FIELDS =
      List.of(
          "user",
          "item",
          "daytime",
          "weekday",
          "isweekend",
          "homework",
          "cost",
          "weather",
          "country",
          "city");

  private final List<String> fieldNames;

  /**
   * @param fieldNames one name per feature position, or empty for {@code f0, f1, ...}
   */
  public LibFmReader(Path file, List<String> fieldNames) throws IOException {
    super(
        new WhitespaceRecordSource(Files.newBufferedReader(file, StandardCharsets.UTF_8)),
        file.getFileName().toString());
    this.fieldNames = List.copyOf(fieldNames);
  }

  /**
   * Field names from a CLI value: {@code frappe} for the preset, or a comma-separated list.
   *
   * @throws IllegalArgumentException for an empty list or a blank or repeated name
   */
  public static List<String> fieldNames(String spec) {
    if (spec.strip().equalsIgnoreCase("frappe")) {
      return FRAPPE_FIELDS;
    }
    List<String> names = List.of(spec.split(",", -1)).stream().map(String::strip).toList();
    if (names.stream().anyMatch(String::isEmpty)
        || names.stream().distinct().count() != names.size()) {
      throw new IllegalArgumentException(
          "field names must be 'frappe' or distinct, non-empty comma-separated names such as"
              + " 'user,item,context'; was '"
              + spec
              + "'");
    }
    return names;
  }

  @Override
  DatasetRow parse(SplitRecord record) throws MalformedRowException {
    List<String> tokens = record.fields();
    int label = label(tokens.get(0));
    int features = tokens.size() - 1;
    if (!fieldNames.isEmpty() && features != fieldNames.size()) {
      throw new MalformedRowException(
          "has "
              + features
              + " features, expected one per field ("
              + String.join(",", fieldNames)
              + ")");
    }
    Map<String, String> categorical = new LinkedHashMap<>();
    Map<String, Double> numeric = new LinkedHashMap<>();
    for (int i = 0; i < features; i++) {
      String token = tokens.get(i + 1);
      String field = fieldNames.isEmpty() ? "f" + i : fieldNames.get(i);
      int colon = token.indexOf(':');
      if (colon <= 0 || colon == token.length() - 1) {
        throw new MalformedRowException(
            "feature " + (i + 1) + " must be <id>:<value>, was '" + token + "'");
      }
      String id = token.substring(0, colon);
      double value = number("feature " + id + "'s value", token.substring(colon + 1));
      if (value == 1.0) {
        categorical.put(field, id);
      } else {
        numeric.put(field, value);
      }
    }
    return new DatasetRow(
        record.lineNumber(), label, categorical, numeric, Optional.empty(), OptionalLong.empty());
  }
}
