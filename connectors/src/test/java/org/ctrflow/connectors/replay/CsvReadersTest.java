package org.ctrflow.connectors.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.StringReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvReadersTest {

  @Test
  void readsTheCriteoCsvSample() throws Exception {
    Path file = SharedData.dataset("criteo_sample/criteo_sample.txt");
    try (CsvDatasetReader reader = CriteoReader.open(file)) {
      DatasetRow first = reader.next();
      assertThat(first.lineNumber()).isEqualTo(2);
      assertThat(first.label()).isZero();
      // label,,3,260.0,,17668.0,,,33.0,,,,0.0,,05db9164,...: empty values are omitted
      assertThat(first.numeric())
          .isEqualTo(Map.of("I2", 3.0, "I3", 260.0, "I5", 17668.0, "I8", 33.0, "I12", 0.0));
      assertThat(first.categorical())
          .containsEntry("C1", "05db9164")
          .containsEntry("C24", "c0d61a5c");
      assertThat(first.categorical()).doesNotContainKeys("C19", "C20", "C22", "C25", "C26");
      assertThat(1 + reader.stream().count()).isEqualTo(200);
      assertThat(reader.malformed().total()).isZero();
    }
  }

  @Test
  void detectsCriteoTabSeparatedFilesWithoutHeader(@TempDir Path dir) throws Exception {
    String row = "1\t5\t\t" + "1\t".repeat(11) + "68fd1e64" + "\tab".repeat(25);
    Path file = Files.writeString(dir.resolve("day_0"), row + "\n" + row + "\n");
    try (CsvDatasetReader reader = CriteoReader.open(file)) {
      DatasetRow first = reader.next();
      assertThat(first.label()).isEqualTo(1);
      assertThat(first.numeric()).containsEntry("I1", 5.0).doesNotContainKey("I2").hasSize(12);
      assertThat(first.categorical()).containsEntry("C1", "68fd1e64").hasSize(26);
      assertThat(reader.stream().count()).isEqualTo(1);
    }
  }

  @Test
  void rejectsAFileThatIsNotCriteo(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("x.csv"), "click,a\n1,2\n");
    assertThatThrownBy(() -> CriteoReader.open(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not Criteo data");
  }

  @Test
  void readsTheAvazuSample() throws Exception {
    Path file = SharedData.dataset("avazu_sample/avazu_sample.txt");
    try (CsvDatasetReader reader = AvazuReader.open(file)) {
      DatasetRow first = reader.next();
      assertThat(first.id()).contains("1000009418151094273");
      assertThat(first.label()).isZero();
      assertThat(first.eventTime()).hasValue(Instant.parse("2014-10-21T00:00:00Z").toEpochMilli());
      assertThat(first.categorical())
          .containsEntry("C1", "1005")
          .containsEntry("site_id", "1fbe01fe")
          .containsEntry("C21", "79")
          .doesNotContainKeys("id", "click", "hour")
          .hasSize(21);
      assertThat(1 + reader.stream().count()).isEqualTo(100);
      assertThat(reader.malformed().total()).isZero();
    }
  }

  @Test
  void binarizesARatingColumnWithALabelThreshold() throws Exception {
    Path file = SharedData.dataset("movielens_sample/movielens_sample.txt");
    CsvOptions options =
        CsvOptions.builder()
            .optLabelColumn("rating")
            .optLabelThreshold(4)
            .optTimeColumn("timestamp", TimeFormat.EPOCH)
            .build();
    try (CsvDatasetReader reader = new CsvDatasetReader(file, options)) {
      DatasetRow first = reader.next();
      // 3299,235,4,968035345,Ed Wood (1994),Comedy|Drama,F,25,4,19119
      assertThat(first.label()).isEqualTo(1);
      assertThat(first.eventTime()).hasValue(968_035_345_000L);
      assertThat(first.categorical())
          .containsEntry("user_id", "3299")
          .containsEntry("genres", "Comedy|Drama")
          .doesNotContainKeys("rating", "timestamp");
      // 113 of the 200 ratings are 4 or 5 (counted with Python's csv module)
      assertThat(first.label() + reader.stream().mapToInt(DatasetRow::label).sum()).isEqualTo(113);
      assertThat(reader.malformed().total()).isZero();
    }
  }

  @Test
  void aLabelThresholdNeedsANumberInTheLabelColumn() throws Exception {
    String csv = "rating,item\n3.5,a\nfive,b\n";
    CsvOptions options = CsvOptions.builder().optLabelColumn("rating").optLabelThreshold(4).build();
    try (CsvDatasetReader reader = new CsvDatasetReader(new StringReader(csv), "r.csv", options)) {
      assertThat(reader.stream().map(DatasetRow::label).toList()).containsExactly(0);
      assertThat(reader.malformed().total()).isEqualTo(1);
      assertThat(reader.malformed().first().get(0).reason())
          .contains("rating must be a finite number, was 'five'");
    }
    assertThatThrownBy(() -> options.toBuilder().optLabelThreshold(Double.NaN).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("e.g. 4");
  }

  @Test
  void builderDefaultsAreTheDefaultsAndToBuilderCopiesEveryValue() {
    assertThat(CsvOptions.builder().build())
        .isEqualTo(
            new CsvOptions("label", Set.of(), null, null, TimeFormat.EPOCH, ',', null, null));
    CsvOptions all =
        new CsvOptions(
            "clk", Set.of("price"), "rid", "ts", TimeFormat.DATETIME, ';', List.of("a"), 4.0);
    assertThat(all.toBuilder().build()).isEqualTo(all);
  }

  @Test
  void readsQuotedFieldsTheRfc4180Way() throws Exception {
    String csv =
        "label,\"title, long\",note\r\n"
            + "1,\"a, b\",\"say \"\"hi\"\"\"\r\n"
            + "0,\"two\nlines\",\r\n"
            + "1,plain,\"\"\r\n";
    try (CsvDatasetReader reader =
        new CsvDatasetReader(new StringReader(csv), "q.csv", CsvOptions.defaults())) {
      assertThat(reader.columns()).containsExactly("label", "title, long", "note");
      DatasetRow first = reader.next();
      assertThat(first.categorical())
          .isEqualTo(Map.of("title, long", "a, b", "note", "say \"hi\""));
      DatasetRow second = reader.next();
      assertThat(second.categorical()).isEqualTo(Map.of("title, long", "two\nlines"));
      DatasetRow third = reader.next();
      assertThat(third.lineNumber()).isEqualTo(5);
      assertThat(third.categorical()).isEqualTo(Map.of("title, long", "plain"));
      assertThat(reader.hasNext()).isFalse();
    }
  }

  @Test
  void genericCsvReadsIdTimeNumericColumnsAndCountsMalformedRows(@TempDir Path dir)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.tsv"),
            String.join(
                "\n",
                "rid\tts\tclk\tprice\tcity",
                "r1\t1700000000\t1\t9.5\tparis",
                "r2\t1700000000123\t0\t\tlyon",
                "r3\t1700000000\tyes\t1\tnice", // bad label
                "r4\t1700000000\t1\t1", // too few columns
                "r5\t1700000000\t0\tcheap\trome", // bad number
                "r6\tnoon\t0\t1\trome", // bad time
                "\"r7\tx\"y\t1\t0\t1\tx", // text after closing quote
                "r8\t\t0\t2\toslo"));
    CsvOptions options =
        CsvOptions.builder()
            .optDelimiter('\t')
            .optLabelColumn("clk")
            .optIdColumn("rid")
            .optTimeColumn("ts", TimeFormat.EPOCH)
            .optNumericColumns(Set.of("price"))
            .build();
    try (CsvDatasetReader reader = new CsvDatasetReader(file, options)) {
      List<DatasetRow> rows = reader.stream().toList();
      assertThat(rows).extracting(DatasetRow::lineNumber).containsExactly(2L, 3L, 9L);
      assertThat(rows.get(0).id()).contains("r1");
      assertThat(rows.get(0).eventTime()).hasValue(1_700_000_000_000L);
      assertThat(rows.get(0).numeric()).isEqualTo(Map.of("price", 9.5));
      assertThat(rows.get(0).categorical()).isEqualTo(Map.of("city", "paris"));
      assertThat(rows.get(1).eventTime()).hasValue(1_700_000_000_123L);
      assertThat(rows.get(2).eventTime()).isEmpty();
      assertThat(reader.malformed().first())
          .extracting(MalformedRow::toString)
          .containsExactly(
              "line 4: label must be 1, 0 or -1, was 'yes'",
              "line 5: has 4 columns, the header has 5",
              "line 6: price must be a finite number, was 'cheap'",
              "line 7: event time must be a finite number, was 'noon'",
              "line 8: field 1 has text after its closing quote: 'y'");
    }
  }

  @Test
  void namesAMissingColumnAndListsTheColumns(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("a.csv"), "click,city\n1,paris\n");
    assertThatThrownBy(() -> new CsvDatasetReader(file, CsvOptions.defaults()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("label column 'label' is not in a.csv")
        .hasMessageContaining("click,city");
  }

  @Test
  void reportsAnUnterminatedQuote() throws Exception {
    String csv = "label,a\n1,x\n0,\"open\n";
    try (CsvDatasetReader reader =
        new CsvDatasetReader(new StringReader(csv), "u.csv", CsvOptions.defaults())) {
      assertThat(reader.stream().count()).isEqualTo(1);
      assertThat(reader.malformed().first())
          .containsExactly(new MalformedRow(3, "quoted field 2 is never closed"));
    }
  }

  @Test
  void keepsOnlyTheFirstHundredMalformedRowsButCountsAll(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("m.csv"), "label,a\n" + "x,1\n".repeat(250));
    try (CsvDatasetReader reader = new CsvDatasetReader(file, CsvOptions.defaults())) {
      assertThat(reader.hasNext()).isFalse();
      assertThat(reader.malformed().total()).isEqualTo(250);
      assertThat(reader.malformed().first()).hasSize(MalformedRows.KEPT);
    }
  }

  @Test
  void formatsParseCaseInsensitivelyAndListValidNames() {
    assertThat(DatasetFormat.parse("LibFM")).isEqualTo(DatasetFormat.LIBFM);
    assertThatThrownBy(() -> DatasetFormat.parse("parquet"))
        .hasMessage("unknown dataset format 'parquet'; valid formats: libfm, criteo, avazu, csv");
  }
}
