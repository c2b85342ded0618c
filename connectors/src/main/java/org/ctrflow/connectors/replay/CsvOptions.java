package org.ctrflow.connectors.replay;

import java.util.List;
import java.util.Set;

/**
 * How to read a delimited file with a label column.
 *
 * @param labelColumn the 0/1 (or -1) label column
 * @param numericColumns columns read as numbers; every other column except id and time is
 *     categorical
 * @param idColumn the impression-id column, or {@code null} for none
 * @param timeColumn the event-time column, or {@code null} for none
 * @param timeFormat how the time column is written
 * @param delimiter the field separator
 * @param header the column names when the file has no header line, or {@code null} to read the
 *     first line as the header
 */
public record CsvOptions(
    String labelColumn,
    Set<String> numericColumns,
    String idColumn,
    String timeColumn,
    TimeFormat timeFormat,
    char delimiter,
    List<String> header) {

  public CsvOptions {
    if (labelColumn == null || labelColumn.isBlank()) {
      throw new IllegalArgumentException("a label column is required, e.g. 'label' or 'click'");
    }
    numericColumns = Set.copyOf(numericColumns);
    header = header == null ? null : List.copyOf(header);
  }

  /** Label column {@code label}, comma-separated, header line, no id, time or numeric columns. */
  public static CsvOptions defaults() {
    return new CsvOptions("label", Set.of(), null, null, TimeFormat.EPOCH, ',', null);
  }

  public CsvOptions withLabelColumn(String column) {
    return new CsvOptions(
        column, numericColumns, idColumn, timeColumn, timeFormat, delimiter, header);
  }

  public CsvOptions withNumericColumns(Set<String> columns) {
    return new CsvOptions(
        labelColumn, columns, idColumn, timeColumn, timeFormat, delimiter, header);
  }

  public CsvOptions withIdColumn(String column) {
    return new CsvOptions(
        labelColumn, numericColumns, column, timeColumn, timeFormat, delimiter, header);
  }

  public CsvOptions withTimeColumn(String column, TimeFormat format) {
    return new CsvOptions(labelColumn, numericColumns, idColumn, column, format, delimiter, header);
  }

  public CsvOptions withDelimiter(char separator) {
    return new CsvOptions(
        labelColumn, numericColumns, idColumn, timeColumn, timeFormat, separator, header);
  }

  public CsvOptions withHeader(List<String> columns) {
    return new CsvOptions(
        labelColumn, numericColumns, idColumn, timeColumn, timeFormat, delimiter, columns);
  }
}
