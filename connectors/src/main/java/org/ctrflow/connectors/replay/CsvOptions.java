package org.ctrflow.connectors.replay;

import java.util.List;
import java.util.Set;

/**
 * How to read a delimited file with a label column.
 *
 * @param labelColumn the label column: 0/1 (or -1), or a number binarized by {@code labelThreshold}
 * @param numericColumns columns read as numbers; every other column except id and time is
 *     categorical
 * @param idColumn the impression-id column, or {@code null} for none
 * @param timeColumn the event-time column, or {@code null} for none
 * @param timeFormat how the time column is written
 * @param delimiter the field separator
 * @param header the column names when the file has no header line, or {@code null} to read the
 *     first line as the header
 * @param labelThreshold {@code null} when the label column holds 0/1/-1; else the label column is a
 *     number (a rating, a dwell time) and a value at or above it is a positive, e.g. 4 for star
 *     ratings
 */
public record CsvOptions(
    String labelColumn,
    Set<String> numericColumns,
    String idColumn,
    String timeColumn,
    TimeFormat timeFormat,
    char delimiter,
    List<String> header,
    Double labelThreshold) {

  public CsvOptions {
    if (labelColumn == null || labelColumn.isBlank()) {
      throw new IllegalArgumentException("a label column is required, e.g. 'label' or 'click'");
    }
    numericColumns = Set.copyOf(numericColumns);
    header = header == null ? null : List.copyOf(header);
    if (labelThreshold != null && !Double.isFinite(labelThreshold)) {
      throw new IllegalArgumentException(
          "the label threshold must be a finite number, e.g. 4 for 1-5 star ratings; was "
              + labelThreshold);
    }
  }

  /** Label column {@code label}, comma-separated, header line, no id, time or numeric columns. */
  public static CsvOptions defaults() {
    return new CsvOptions("label", Set.of(), null, null, TimeFormat.EPOCH, ',', null, null);
  }

  public CsvOptions withLabelColumn(String column) {
    return new CsvOptions(
        column,
        numericColumns,
        idColumn,
        timeColumn,
        timeFormat,
        delimiter,
        header,
        labelThreshold);
  }

  public CsvOptions withNumericColumns(Set<String> columns) {
    return new CsvOptions(
        labelColumn, columns, idColumn, timeColumn, timeFormat, delimiter, header, labelThreshold);
  }

  public CsvOptions withIdColumn(String column) {
    return new CsvOptions(
        labelColumn,
        numericColumns,
        column,
        timeColumn,
        timeFormat,
        delimiter,
        header,
        labelThreshold);
  }

  public CsvOptions withTimeColumn(String column, TimeFormat format) {
    return new CsvOptions(
        labelColumn, numericColumns, idColumn, column, format, delimiter, header, labelThreshold);
  }

  public CsvOptions withDelimiter(char separator) {
    return new CsvOptions(
        labelColumn,
        numericColumns,
        idColumn,
        timeColumn,
        timeFormat,
        separator,
        header,
        labelThreshold);
  }

  public CsvOptions withHeader(List<String> columns) {
    return new CsvOptions(
        labelColumn,
        numericColumns,
        idColumn,
        timeColumn,
        timeFormat,
        delimiter,
        columns,
        labelThreshold);
  }

  /** The label column holds numbers; those at or above {@code threshold} are positives. */
  public CsvOptions withLabelThreshold(double threshold) {
    return new CsvOptions(
        labelColumn,
        numericColumns,
        idColumn,
        timeColumn,
        timeFormat,
        delimiter,
        header,
        threshold);
  }
}
