package org.ctrflow.launcher.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The adaptation benchmark's streams, metrics and paired intervals. */
@Timeout(300)
class AdaptBenchTest {

  /**
   * The new-users stream is a permutation of Frappe's rows in which every user's rows lie inside
   * one group's stretch, groups of 20 users; its seeds give different orders, each repeatable.
   */
  @Test
  void newUsersArriveInGroupsAndKeepEveryRow() throws Exception {
    Path frappe = SharedData.dataset("frappe/nfm_split/frappe.test.libfm").getParent();
    AdaptScenarios scenarios =
        new AdaptScenarios(
            frappe.getParent().getParent(), 20, 80, new PrintWriter(new StringWriter()));
    AdaptStream one = scenarios.streams("frappe-new-users", List.of(1)).get(0);
    AdaptStream again = scenarios.streams("frappe-new-users", List.of(1)).get(0);
    AdaptStream two = scenarios.streams("frappe-new-users", List.of(2)).get(0);
    AdaptStream file = scenarios.streams("frappe-file", List.of()).get(0);
    assertThat(one.count()).isEqualTo(file.count()).isEqualTo(288_609);
    assertThat(one.rows()).isEqualTo(again.rows());
    assertThat(one.rows()).isNotEqualTo(two.rows());
    assertThat(sortedRows(one)).isEqualTo(sortedRows(file));
    // Users of the stream in order of their first row; each group's rows hold its 20 users only.
    Map<Integer, Integer> groupOf = new HashMap<>();
    for (int e : one.entities()) {
      groupOf.putIfAbsent(e, groupOf.size() / 20);
    }
    assertThat(groupOf).hasSize(957);
    int group = 0;
    for (int i = 0; i < one.count(); i++) {
      int g = groupOf.get(one.entities()[i]);
      assertThat(g).as("row %d", i).isGreaterThanOrEqualTo(group);
      group = g;
      assertThat((long) one.entities()[i]).isEqualTo(one.rows()[i * one.fields()]);
    }
  }

  private static List<String> sortedRows(AdaptStream s) {
    String[] rows = new String[s.count()];
    for (int i = 0; i < s.count(); i++) {
      rows[i] =
          Arrays.toString(Arrays.copyOfRange(s.rows(), i * s.fields(), (i + 1) * s.fields()))
              + s.labels()[i];
    }
    Arrays.sort(rows);
    return List.of(rows);
  }

  /**
   * First-rows log loss is per entity, over its first k rows in stream order; drift excess is the
   * loss above the teacher's in the window after each drift.
   */
  @Test
  void metricsFollowTheirDefinitions() {
    // Entity 7 has rows 0, 2, 3; entity 9 rows 1 and 4. Scores 0.5 everywhere but row 3.
    int[] entities = {7, 9, 7, 7, 9};
    float[] labels = {1, 0, 1, 1, 0};
    double[] scores = {0.5, 0.5, 0.5, 0.9, 0.5};
    AdaptStream stream =
        new AdaptStream("s", 1, m -> null, new long[5], labels, entities, List.of(2), scores, 0);
    double ln2 = Math.log(2);
    AdaptResult r = AdaptRun.metrics(stream, scores, 1, Map.of());
    // first 8: entity 7 (ln2 + ln2 - ln 0.9) / 3, entity 9 ln2.
    assertThat(r.firstRows().get(8))
        .containsExactly(new double[] {(2 * ln2 - Math.log(0.9)) / 3, ln2}, within(1e-12));
    assertThat(r.firstRowsLogLoss(8))
        .isCloseTo(((2 * ln2 - Math.log(0.9)) / 3 + ln2) / 2, within(1e-12));
    // With the model's own scores as the teacher, a drift costs nothing.
    assertThat(r.driftExcess()).containsExactly(new double[] {0}, within(1e-12));
    AdaptStream worse =
        new AdaptStream(
            "s",
            1,
            m -> null,
            new long[5],
            labels,
            entities,
            List.of(2),
            new double[] {0.5, 0.5, 0.9, 0.9, 0.5},
            0);
    // Rows 2 to 4 after the drift at 2: the teacher is better only on row 2.
    assertThat(AdaptRun.metrics(worse, scores, 1, Map.of()).driftExcess())
        .containsExactly(new double[] {ln2 + Math.log(0.9)}, within(1e-12));
  }

  /** Intervals cover the true difference and exclude 0 for a clear one, not for noise. */
  @Test
  void pairedIntervalsSeparateASignalFromNoise() {
    java.util.Random random = new java.util.Random(5);
    double[] a = new double[400];
    double[] shifted = new double[400];
    double[] noise = new double[400];
    for (int i = 0; i < a.length; i++) {
      a[i] = 1 + random.nextGaussian() * 0.2;
      shifted[i] = a[i] * 0.95 + random.nextGaussian() * 0.01;
      noise[i] = a[i] + random.nextGaussian() * 0.01;
    }
    PairedBootstrap.Interval down = PairedBootstrap.relativeChange(a, shifted, 1);
    assertThat(down.excludesZero()).isTrue();
    assertThat(down.low()).isLessThan(-0.05 + 0.005);
    assertThat(down.high()).isGreaterThan(-0.05 - 0.005);
    PairedBootstrap.Interval flat = PairedBootstrap.meanDifference(a, noise, 1);
    assertThat(flat.low()).isNegative();
    assertThat(flat.high()).isPositive();
    PairedBootstrap.Interval single =
        PairedBootstrap.meanDifference(new double[] {1}, new double[] {2}, 1);
    assertThat(single.estimate()).isEqualTo(1.0);
    assertThat(single.low()).isNaN();
  }
}
