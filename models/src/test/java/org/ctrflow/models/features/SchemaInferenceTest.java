package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Random;
import java.util.Set;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.TimeFormat;
import org.junit.jupiter.api.Test;

class SchemaInferenceTest {

  private static SchemaInference inference(int maxRows) {
    return new SchemaInference(new SchemaInference.Options("t", Set.of(), Set.of(), maxRows));
  }

  private static DatasetRow row(Map<String, String> values) {
    return new DatasetRow(1, 0, values, Map.of(), Optional.empty(), OptionalLong.empty());
  }

  private static FieldSpec field(SchemaInference.Proposal p, String name) {
    return p.schema().fields().get(p.schema().fieldIndex(name));
  }

  @Test
  void decidesEachColumnByWhatTheSampleShows() {
    SchemaInference inference = inference(1 << 16);
    Random random = new Random(1);
    for (int i = 0; i < 20_000; i++) {
      Map<String, String> v = new HashMap<>();
      v.put("user_id", Integer.toString(random.nextInt(500))); // closed dense ids
      v.put("device", List.of("ios", "android", "web").get(random.nextInt(3))); // closed, small
      v.put("session", "s" + i); // open: every value new
      v.put("price", String.format(java.util.Locale.ROOT, "%.2f", random.nextDouble() * 100));
      v.put("clicks7d", Integer.toString(random.nextInt(50)) + ".0"); // counts written as floats
      v.put("constant", "x");
      if (i % 1000 == 0) {
        v.put("rare", "r"); // in 0.1 % of rows
      }
      v.put("ts", "2026-01-01 00:00:" + String.format("%02d", i % 60));
      inference.add(row(v));
    }
    assertThat(inference.timeColumn()).contains(Map.entry("ts", TimeFormat.DATETIME));
    SchemaInference.Proposal p =
        inference.propose(DatasetLayout.of(DatasetFormat.CSV), Set.of("ts"));
    assertThat(field(p, "user_id").encoding()).isEqualTo(new CategoricalEncoding.IdRange(0, 499));
    assertThat(field(p, "device").encoding()).isInstanceOf(CategoricalEncoding.Vocabulary.class);
    assertThat(field(p, "price").encoding()).isInstanceOf(NumericEncoding.Boundaries.class);
    assertThat(((NumericEncoding.Boundaries) field(p, "price").encoding()).boundaries())
        .hasSize(15);
    assertThat(field(p, "clicks7d").encoding()).isEqualTo(new NumericEncoding.LogSquared(0, 400));
    // The open column takes what the others leave of the budget.
    assertThat(field(p, "session").encoding()).isInstanceOf(CategoricalEncoding.Hashed.class);
    assertThat(p.schema().totalRows()).isEqualTo(1 << 16);
    assertThat(p.schema().fieldIndex("constant")).isNegative();
    assertThat(p.schema().fieldIndex("rare")).isNegative();
    assertThat(p.schema().fieldIndex("ts")).isNegative();
    // Named like a user; no item-like name, so the next by distinct values.
    assertThat(p.schema().gateContexts()).containsExactly(List.of("user_id"), List.of("session"));
    SchemaInference named = inference(1 << 16);
    for (int i = 0; i < 1000; i++) {
      named.add(
          row(
              Map.of(
                  "site",
                  "s" + i,
                  "movie",
                  "m" + i % 50,
                  "userId",
                  "u" + i % 10,
                  "x",
                  "" + i % 3)));
    }
    // user first, item second, though "site" has the most distinct values
    assertThat(named.propose(DatasetLayout.of(DatasetFormat.CSV), Set.of()).schema().gateContexts())
        .containsExactly(List.of("userId"), List.of("movie"));
    assertThat(p.decisions())
        .filteredOn(d -> d.column().equals("constant"))
        .singleElement()
        .extracting(SchemaInference.Decision::reason)
        .isEqualTo("left out: one value only");
  }

  @Test
  void distinctValuesBeyondTheExactLimitAreEstimated() {
    SchemaInference inference = inference(1 << 20);
    int distinct = 200_000;
    for (int i = 0; i < distinct; i++) {
      inference.add(row(Map.of("id_like", "v" + i, "code", Integer.toString(i % 7))));
    }
    SchemaInference.Proposal p = inference.propose(DatasetLayout.of(DatasetFormat.CSV), Set.of());
    SchemaInference.Decision id =
        p.decisions().stream().filter(d -> d.column().equals("id_like")).findFirst().orElseThrow();
    assertThat(id.exact()).isFalse();
    assertThat((double) id.distinct())
        .isCloseTo(distinct, org.assertj.core.data.Percentage.withPercentage(5));
    assertThat(id.newValueRate()).isEqualTo(1.0);
  }
}
