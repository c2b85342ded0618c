package org.ctrflow.connectors.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibFmReaderTest {

  @Test
  void readsTheWholeFrappeTestSplitWithFrappeFieldNames() throws Exception {
    Path file = SharedData.dataset("frappe/nfm_split/frappe.test.libfm");
    try (LibFmReader reader = new LibFmReader(file, LibFmReader.fieldNames("frappe"))) {
      DatasetRow first = reader.next();
      assertThat(first.lineNumber()).isEqualTo(1);
      assertThat(first.label()).isZero();
      assertThat(first.categorical())
          .containsEntry("user", "204")
          .containsEntry("item", "4798")
          .containsEntry("city", "5183")
          .hasSize(10);
      assertThat(first.numeric()).isEmpty();
      assertThat(first.id()).isEmpty();
      assertThat(first.eventTime()).isEmpty();

      long rows = 1;
      long positives = 0;
      while (reader.hasNext()) {
        positives += reader.next().label();
        rows++;
      }
      assertThat(rows).isEqualTo(28_860);
      assertThat(positives).isEqualTo(9_536);
      assertThat(reader.malformed().total()).isZero();
    }
  }

  @Test
  void namesFieldsByPositionAndKeepsNonOneValuesNumeric(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("small.libfm"), "1 3:1 7:0.5\n-1 4:1\n");
    try (LibFmReader reader = new LibFmReader(file, List.of())) {
      DatasetRow first = reader.next();
      assertThat(first.categorical()).isEqualTo(Map.of("f0", "3"));
      assertThat(first.numeric()).isEqualTo(Map.of("f1", 0.5));
      assertThat(reader.next().label()).isZero();
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void countsMalformedRowsWithLineNumbersAndReadsOn(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("bad.libfm"),
            String.join(
                "\n",
                "1 1:1 2:1",
                "2 1:1 2:1", // bad label
                "",
                "0 1:1 2", // no value
                "1 1:1", // too few features for the names
                "0 1:1 2:x", // unparsable value
                "0 5:1 6:1",
                ""));
    try (LibFmReader reader = new LibFmReader(file, List.of("a", "b"))) {
      assertThat(reader.stream().map(DatasetRow::lineNumber)).containsExactly(1L, 7L);
      assertThat(reader.malformed().total()).isEqualTo(4);
      assertThat(reader.malformed().first())
          .extracting(MalformedRow::lineNumber)
          .containsExactly(2L, 4L, 5L, 6L);
      assertThat(reader.malformed().first().get(0).reason()).contains("label", "'2'");
      assertThat(reader.malformed().first().get(2).reason())
          .contains("expected one per field (a,b)");
    }
  }

  @Test
  void rejectsBlankOrRepeatedFieldNames() {
    assertThat(LibFmReader.fieldNames("FRAPPE")).isEqualTo(LibFmReader.FRAPPE_FIELDS);
    assertThat(LibFmReader.fieldNames("a, b")).containsExactly("a", "b");
    assertThatThrownBy(() -> LibFmReader.fieldNames("a,,b")).hasMessageContaining("'a,,b'");
    assertThatThrownBy(() -> LibFmReader.fieldNames("a,a")).hasMessageContaining("distinct");
  }
}
