package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * How the files of one dataset read: their format and, per format, the layout details {@link
 * DatasetFormat#open} takes. A feature schema can carry one, so that a command given the schema
 * reads the files without further options.
 *
 * @param format the file format
 * @param libFmFields for {@link DatasetFormat#LIBFM}: the field name of each feature position, or
 *     empty for {@code f0, f1, ...}; empty for the other formats
 * @param csv for {@link DatasetFormat#CSV}: the columns; {@link CsvOptions#defaults()} for the
 *     other formats, which fix their own columns
 */
public record DatasetLayout(DatasetFormat format, List<String> libFmFields, CsvOptions csv) {

  public DatasetLayout {
    Objects.requireNonNull(format, "format");
    libFmFields = List.copyOf(libFmFields);
    Objects.requireNonNull(csv, "csv");
  }

  /** A layout of a format that needs no details (criteo, avazu; libfm with default names). */
  public static DatasetLayout of(DatasetFormat format) {
    return new DatasetLayout(format, List.of(), CsvOptions.defaults());
  }

  /** The same layout reading {@code columns} as numbers (CSV only). */
  public DatasetLayout withNumericColumns(Set<String> columns) {
    return new DatasetLayout(
        format, libFmFields, csv.toBuilder().optNumericColumns(columns).build());
  }

  /**
   * Opens one file of this layout.
   *
   * @throws IllegalArgumentException when the file is missing or does not fit the layout
   */
  public DatasetReader open(Path file) throws IOException {
    return format.open(file, libFmFields, csv);
  }
}
