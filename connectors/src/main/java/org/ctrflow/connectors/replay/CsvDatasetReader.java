package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * Reads a delimited file with a header (or a given header) and a label column; see {@link
 * CsvOptions}. Empty values are missing: the feature is omitted. A row with the wrong number of
 * columns, a bad label, an unparsable number or time is malformed.
 */
public final class CsvDatasetReader extends DatasetReader {

  private final CsvOptions options;
  private final List<String> columns;
  private final int labelIndex;
  private final int idIndex;
  private final int timeIndex;

  /**
   * @throws IllegalArgumentException when the file is empty or lacks a column the options name
   */
  public CsvDatasetReader(Path file, CsvOptions options) throws IOException {
    this(
        Files.newBufferedReader(file, StandardCharsets.UTF_8),
        file.getFileName().toString(),
        options);
  }

  CsvDatasetReader(Reader in, String name, CsvOptions options) throws IOException {
    super(new CsvRecordSource(in, options.delimiter()), name);
    this.options = options;
    try {
      this.columns = options.header() != null ? options.header() : readHeader(name);
      this.labelIndex = index(options.labelColumn(), "label");
      this.idIndex = options.idColumn() == null ? -1 : index(options.idColumn(), "id");
      this.timeIndex = options.timeColumn() == null ? -1 : index(options.timeColumn(), "time");
      for (String numeric : options.numericColumns()) {
        index(numeric, "numeric");
      }
    } catch (IllegalArgumentException | UncheckedIOException e) {
      close();
      throw e;
    }
  }

  /** The column names, in file order. */
  public List<String> columns() {
    return columns;
  }

  private List<String> readHeader(String name) {
    SplitRecord header = nextRecord();
    if (header == null) {
      throw new IllegalArgumentException(
          name + " is empty: expected a header line of column names");
    }
    return header.fields().stream().map(String::strip).toList();
  }

  private int index(String column, String role) {
    int index = columns.indexOf(column);
    if (index < 0) {
      throw new IllegalArgumentException(
          "the "
              + role
              + " column '"
              + column
              + "' is not in "
              + name()
              + "; its columns are: "
              + String.join(",", columns));
    }
    return index;
  }

  @Override
  DatasetRow parse(SplitRecord record) throws MalformedRowException {
    List<String> fields = record.fields();
    if (fields.size() != columns.size()) {
      throw new MalformedRowException(
          "has " + fields.size() + " columns, the header has " + columns.size());
    }
    int label =
        options.labelThreshold() == null
            ? label(fields.get(labelIndex))
            : number(columns.get(labelIndex), fields.get(labelIndex)) >= options.labelThreshold()
                ? 1
                : 0;
    Map<String, String> categorical = new LinkedHashMap<>();
    Map<String, Double> numeric = new LinkedHashMap<>();
    for (int i = 0; i < fields.size(); i++) {
      String value = fields.get(i);
      if (i == labelIndex || i == idIndex || i == timeIndex || value.isEmpty()) {
        continue;
      }
      String column = columns.get(i);
      if (options.numericColumns().contains(column)) {
        numeric.put(column, number(column, value));
      } else {
        categorical.put(column, value);
      }
    }
    Optional<String> id =
        idIndex < 0 || fields.get(idIndex).isEmpty()
            ? Optional.empty()
            : Optional.of(fields.get(idIndex));
    OptionalLong time =
        timeIndex < 0 || fields.get(timeIndex).isEmpty()
            ? OptionalLong.empty()
            : OptionalLong.of(options.timeFormat().toEpochMillis(fields.get(timeIndex)));
    return new DatasetRow(record.lineNumber(), label, categorical, numeric, id, time);
  }
}
