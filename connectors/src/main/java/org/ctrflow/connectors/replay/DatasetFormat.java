package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

/** The dataset layouts ctrflow reads. */
public enum DatasetFormat {
  LIBFM,
  CRITEO,
  AVAZU,
  CSV;

  /**
   * Opens a reader for a file in this format.
   *
   * @param libFmFields field names for {@link #LIBFM} (empty for {@code f0, f1, ...})
   * @param csvOptions how to read a {@link #CSV} file; the other formats fix their own layout
   * @throws IllegalArgumentException when the file is missing or does not fit the format
   */
  public DatasetReader open(Path file, List<String> libFmFields, CsvOptions csvOptions)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException("no such file: " + file.toAbsolutePath());
    }
    return switch (this) {
      case LIBFM -> new LibFmReader(file, libFmFields);
      case CRITEO -> CriteoReader.open(file);
      case AVAZU -> AvazuReader.open(file);
      case CSV -> new CsvDatasetReader(file, csvOptions);
    };
  }

  /**
   * The format with this name, case-insensitive.
   *
   * @throws IllegalArgumentException listing the valid names
   */
  public static DatasetFormat parse(String name) {
    for (DatasetFormat format : values()) {
      if (format.name().equalsIgnoreCase(name.strip())) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown dataset format '" + name + "'; valid formats: " + validNames());
  }

  private static String validNames() {
    return Arrays.stream(values())
        .map(f -> f.name().toLowerCase(Locale.ROOT))
        .collect(Collectors.joining(", "));
  }
}
