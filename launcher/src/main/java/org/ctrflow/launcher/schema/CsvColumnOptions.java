package org.ctrflow.launcher.schema;

import java.util.List;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.TimeFormat;
import picocli.CommandLine.Option;

/** How a CSV file's columns read: the options the commands that read CSV files share. */
public final class CsvColumnOptions {

  @Option(
      names = "--label-column",
      defaultValue = "label",
      description = "csv: the 0/1 label column (default: ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(
      names = "--label-threshold",
      description =
          "csv: the label column is a number (e.g. a 1-5 rating) and values at or above this one"
              + " are clicks, e.g. 4 (default: the column holds 0/1).")
  Double labelThreshold;

  @Option(names = "--id-column", description = "csv: the impression-id column.")
  String idColumn;

  @Option(
      names = "--time-column",
      description = "csv: the event-time column (format: --time-format).")
  String timeColumn;

  @Option(
      names = "--time-format",
      description =
          "csv: how --time-column is written: epoch (seconds or milliseconds), datetime (ISO-8601,"
              + " e.g. 2017-05-06 00:00:00, UTC unless an offset is given) or yymmddhh"
              + " (default: epoch).")
  String timeFormat;

  @Option(
      names = "--delimiter",
      defaultValue = ",",
      description = "csv: the field separator, one character or 'tab' (default: ${DEFAULT-VALUE}).")
  String delimiter;

  /** The options named on the command line that only CSV files take. */
  public static final List<String> NAMES =
      List.of(
          "--label-column",
          "--label-threshold",
          "--id-column",
          "--time-column",
          "--time-format",
          "--delimiter");

  /**
   * The CSV options these flags describe.
   *
   * @throws IllegalArgumentException naming the flag with a bad value
   */
  public CsvOptions csvOptions() {
    char separator;
    if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
      separator = '\t';
    } else if (delimiter.length() == 1) {
      separator = delimiter.charAt(0);
    } else {
      throw new IllegalArgumentException(
          "--delimiter must be one character or 'tab', was '" + delimiter + "'");
    }
    CsvOptions.Builder options =
        CsvOptions.builder()
            .optLabelColumn(labelColumn)
            .optIdColumn(idColumn)
            .optDelimiter(separator);
    if (labelThreshold != null) {
      options.optLabelThreshold(labelThreshold);
    }
    if (timeFormat != null && timeColumn == null) {
      throw new IllegalArgumentException("--time-format needs --time-column");
    }
    if (timeColumn != null && !timeColumn.equalsIgnoreCase("none")) {
      TimeFormat format;
      try {
        format = timeFormat == null ? TimeFormat.EPOCH : TimeFormat.parse(timeFormat);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--time-format: " + e.getMessage(), e);
      }
      options.optTimeColumn(timeColumn, format);
    }
    return options.build();
  }

  /** {@code --time-column none}: the file has no time column, do not look for one. */
  boolean noTimeColumn() {
    return "none".equalsIgnoreCase(timeColumn);
  }
}
