package org.ctrflow.connectors.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Opens Criteo display-advertising data in either of its two layouts, told apart by the first line:
 * the original tab-separated files without a header, or a comma-separated export with the header
 * {@code label,I1..I13,C1..C26}. I1-I13 are numeric, C1-C26 categorical (hashed hex), label 0/1;
 * empty values are missing.
 */
public final class CriteoReader {

  /** Criteo's columns in file order. */
  public static final List<String> COLUMNS = columns();

  private static final Set<String> NUMERIC = Set.copyOf(COLUMNS.subList(1, 14));

  private CriteoReader() {}

  public static CsvDatasetReader open(Path file) throws IOException {
    BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8);
    try {
      // Enough to hold any header or first row; reset() rewinds to the file's start.
      in.mark(1 << 16);
      String first = in.readLine();
      in.reset();
      CsvOptions options = CsvOptions.builder().optNumericColumns(NUMERIC).build();
      if (first != null && first.indexOf('\t') >= 0) {
        options = options.toBuilder().optDelimiter('\t').optHeader(COLUMNS).build();
      } else if (first != null && !first.startsWith("label,")) {
        throw new IllegalArgumentException(
            file
                + " is not Criteo data: expected tab-separated rows (label, I1..I13, C1..C26) or a"
                + " CSV header starting 'label,I1,...'; the first line starts '"
                + first.substring(0, Math.min(first.length(), 40))
                + "'");
      }
      return new CsvDatasetReader(in, file.getFileName().toString(), options);
    } catch (IOException | RuntimeException e) {
      in.close();
      throw e;
    }
  }

  private static List<String> columns() {
    List<String> columns = new ArrayList<>(List.of("label"));
    for (int i = 1; i <= 13; i++) {
      columns.add("I" + i);
    }
    for (int i = 1; i <= 26; i++) {
      columns.add("C" + i);
    }
    return List.copyOf(columns);
  }
}
