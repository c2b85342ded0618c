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
    return builder().build();
  }

  /** A builder holding {@link #defaults()}; every setting is optional. */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from these options. */
  public Builder toBuilder() {
    Builder b =
        new Builder()
            .optLabelColumn(labelColumn)
            .optNumericColumns(numericColumns)
            .optIdColumn(idColumn)
            .optTimeColumn(timeColumn, timeFormat)
            .optDelimiter(delimiter)
            .optHeader(header);
    b.labelThreshold = labelThreshold;
    return b;
  }

  /** Collects {@link CsvOptions}; {@link #build()} validates them. */
  public static final class Builder {
    private String labelColumn = "label";
    private Set<String> numericColumns = Set.of();
    private String idColumn;
    private String timeColumn;
    private TimeFormat timeFormat = TimeFormat.EPOCH;
    private char delimiter = ',';
    private List<String> header;
    private Double labelThreshold;

    private Builder() {}

    /** The label column; default {@code label}. */
    public Builder optLabelColumn(String column) {
      this.labelColumn = column;
      return this;
    }

    /** Columns read as numbers; default none. */
    public Builder optNumericColumns(Set<String> columns) {
      this.numericColumns = columns;
      return this;
    }

    /** The impression-id column; default none ({@code null}). */
    public Builder optIdColumn(String column) {
      this.idColumn = column;
      return this;
    }

    /** The event-time column ({@code null}: none, the default) and how it is written. */
    public Builder optTimeColumn(String column, TimeFormat format) {
      this.timeColumn = column;
      this.timeFormat = format;
      return this;
    }

    /** The field separator; default {@code ,}. */
    public Builder optDelimiter(char separator) {
      this.delimiter = separator;
      return this;
    }

    /** The column names of a file without a header line; default {@code null} (read it). */
    public Builder optHeader(List<String> columns) {
      this.header = columns;
      return this;
    }

    /**
     * The label column holds numbers; those at or above {@code threshold} are positives. Default
     * {@code null}: the label column holds 0/1/-1.
     */
    public Builder optLabelThreshold(double threshold) {
      this.labelThreshold = threshold;
      return this;
    }

    /**
     * @throws IllegalArgumentException for a blank label column or a label threshold that is not a
     *     finite number
     */
    public CsvOptions build() {
      return new CsvOptions(
          labelColumn,
          numericColumns,
          idColumn,
          timeColumn,
          timeFormat,
          delimiter,
          header,
          labelThreshold);
    }
  }
}
