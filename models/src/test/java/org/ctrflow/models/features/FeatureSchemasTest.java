package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.replay.AvazuReader;
import org.ctrflow.connectors.replay.CriteoReader;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;

class FeatureSchemasTest {

  @Test
  void frappeEncodesEveryTestRowWithoutOovOrCollisions() throws IOException {
    FeatureSchema schema = FeatureSchemas.frappe();
    assertThat(schema.totalRows()).isEqualTo(5_382 + 10);
    assertThat(schema.gateContextIndices(0)).containsExactly(0);
    assertThat(schema.gateContextIndices(1)).containsExactly(1);
    FeatureEncoder encoder = schema.encoder();
    int[] rows = new int[schema.fieldCount()];
    int[] rowOfId = new int[5_382];
    Arrays.fill(rowOfId, -1);
    int count = 0;
    try (DatasetReader reader =
        new LibFmReader(
            SharedData.dataset("frappe/nfm_split/frappe.test.libfm"), LibFmReader.FRAPPE_FIELDS)) {
      while (reader.hasNext()) {
        DatasetRow row = reader.next();
        encoder.encode(row.categorical(), row.numeric(), rows, 0);
        for (int f = 0; f < rows.length; f++) {
          assertThat(rows[f])
              .isGreaterThan(schema.offset(f))
              .isLessThan(schema.offset(f) + schema.rows(f));
          int id = Integer.parseInt(row.categorical().get(schema.fields().get(f).name()));
          // Collision-free: one id, one row, and every row back to one id.
          assertThat(rowOfId[id]).isIn(-1, rows[f]);
          rowOfId[id] = rows[f];
        }
        count++;
      }
      assertThat(reader.malformed().total()).isZero();
    }
    assertThat(count).isEqualTo(28_860);
    assertThat(Arrays.stream(rowOfId).filter(r -> r >= 0).distinct().count())
        .isEqualTo(Arrays.stream(rowOfId).filter(r -> r >= 0).count());
  }

  @Test
  void criteoSplitsTheRequestedRowsAndEncodesTheSample() throws IOException {
    FeatureSchema schema = FeatureSchemas.criteo();
    assertThat(schema.totalRows()).isEqualTo(1 << 20);
    assertThat(schema.fieldCount()).isEqualTo(39);
    assertThat(FeatureSchemas.criteo(5_317).totalRows()).isEqualTo(5_317);
    assertThatThrownBy(() -> FeatureSchemas.criteo(5_316)).hasMessageContaining("too small");
    int[] present =
        encodeAll(schema, CriteoReader.open(SharedData.dataset("criteo_sample/criteo_sample.txt")));
    // Every field has values in the sample; empty cells are missing, not errors.
    assertThat(Arrays.stream(present).min().orElseThrow()).isPositive();
  }

  @Test
  void avazuHashesItsTwentyOneColumns() throws IOException {
    FeatureSchema schema = FeatureSchemas.avazu(1000);
    assertThat(schema.totalRows()).isEqualTo(1000);
    assertThat(schema.fieldCount()).isEqualTo(21);
    int[] present =
        encodeAll(schema, AvazuReader.open(SharedData.dataset("avazu_sample/avazu_sample.txt")));
    assertThat(present).containsOnly(100);
  }

  @Test
  void movielensEncodesTheSampleWithExactIdsAndCodes() throws IOException {
    FeatureSchema schema = FeatureSchemas.movielens();
    FeatureEncoder encoder = schema.encoder();
    List<String> lines =
        Files.readAllLines(
            SharedData.dataset("movielens_sample/movielens_sample.txt"), StandardCharsets.UTF_8);
    List<String> header = List.of(lines.get(0).split(","));
    for (String line : lines.subList(1, lines.size())) {
      // Titles may hold commas; every column the schema reads is outside them.
      String[] cells = line.split(",");
      Map<String, String> values = new HashMap<>();
      for (String column : List.of("user_id", "movie_id", "genres")) {
        values.put(column, cells[header.indexOf(column)]);
      }
      int n = cells.length;
      values.put("gender", cells[n - 4]);
      values.put("age", cells[n - 3]);
      values.put("occupation", cells[n - 2]);
      values.put("zip", cells[n - 1]);
      int[] rows = encoder.encode(values, Map.of());
      for (int f = 0; f < rows.length; f++) {
        assertThat(rows[f]).as(line).isGreaterThan(schema.offset(f));
      }
    }
  }

  /** Encodes every row, checking ranges; returns per field how many rows had it present. */
  private static int[] encodeAll(FeatureSchema schema, DatasetReader reader) throws IOException {
    FeatureEncoder encoder = schema.encoder();
    int[] present = new int[schema.fieldCount()];
    try (reader) {
      while (reader.hasNext()) {
        DatasetRow row = reader.next();
        int[] rows = encoder.encode(row.categorical(), row.numeric());
        for (int f = 0; f < rows.length; f++) {
          assertThat(rows[f]).isBetween(schema.offset(f), schema.offset(f) + schema.rows(f) - 1);
          if (rows[f] != schema.offset(f)) {
            present[f]++;
          }
        }
      }
      assertThat(reader.malformed().total()).isZero();
    }
    return present;
  }
}
