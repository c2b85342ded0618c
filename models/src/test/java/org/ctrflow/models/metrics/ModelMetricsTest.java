package org.ctrflow.models.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.ctrflow.models.metrics.StreamingAucTest.assertNaNOrClose;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.ctrflow.models.metrics.BruteForce.Example;
import org.junit.jupiter.api.Test;

class ModelMetricsTest {

  @Test
  void logLossAndCalibrationMatchHandComputation() {
    ModelMetrics metrics = new ModelMetrics("m");
    metrics.update(new double[] {0.8, 0.3}, new int[] {1, 0}, new double[] {1, 3});
    MetricsSnapshot.Scope overall = metrics.snapshot().overall();
    // (-ln 0.8 - 3 ln 0.7) / 4 and (0.8 + 3 * 0.3) / 1
    assertThat(overall.logLoss()).isCloseTo((0.2231435513 + 3 * 0.3566749439) / 4, within(1e-9));
    assertThat(overall.calibration()).isCloseTo(1.7, within(1e-15));
    assertThat(overall.count()).isEqualTo(2);
    assertThat(overall.positives()).isEqualTo(1);
    assertThat(overall.weight()).isEqualTo(4.0);
    assertThat(overall.auc()).isEqualTo(1.0);
  }

  @Test
  void clipsProbabilitiesLikeBars() {
    ModelMetrics metrics = new ModelMetrics("m");
    metrics.update(new double[] {0.0, 1.0}, new int[] {1, 0});
    assertThat(metrics.snapshot().overall().logLoss()).isCloseTo(-Math.log(1e-7), within(1e-6));
  }

  @Test
  void degenerateStreamsGiveNaNNotExceptions() {
    MetricsSnapshot empty = new ModelMetrics("m").snapshot();
    assertThat(
            List.of(empty.overall().auc(), empty.overall().logLoss(), empty.window().calibration()))
        .allMatch(v -> Double.isNaN(v));
    ModelMetrics negatives = new ModelMetrics("m");
    negatives.update(new double[] {0.1, 0.2}, new int[] {0, 0});
    MetricsSnapshot.Scope scope = negatives.snapshot().overall();
    assertThat(scope.auc()).isNaN();
    assertThat(scope.aucErrorBound()).isNaN();
    assertThat(scope.calibration()).isNaN();
    assertThat(scope.logLoss()).isPositive();
  }

  @Property(tries = 200)
  void windowCoversExactlyTheLastWExamples(
      @ForAll("gridExamples") List<Example> examples, @ForAll @IntRange(min = 1, max = 40) int w) {
    ModelMetrics metrics = new ModelMetrics("m", w, 1 << 16);
    BruteForce.feed(metrics, examples);
    List<Example> last = examples.subList(Math.max(0, examples.size() - w), examples.size());
    MetricsSnapshot snapshot = metrics.snapshot();
    assertScope(snapshot.window(), last);
    assertScope(snapshot.overall(), examples);
  }

  /** Many wraps of a small window: removals must not let rounding drift. */
  @Test
  void longWeightedStreamsKeepTheWindowExact() {
    Random random = new Random(11);
    List<Example> examples = new ArrayList<>();
    for (int i = 0; i < 200_000; i++) {
      int label = random.nextDouble() < 0.3 ? 1 : 0;
      double score = Math.min(1, Math.max(0, 0.3 + 0.2 * random.nextGaussian() + 0.2 * label));
      examples.add(
          new Example(Math.round(score * 1024) / 1024.0, label, 0.1 + 10 * random.nextDouble()));
    }
    ModelMetrics metrics = new ModelMetrics("m", 1000, 1 << 16);
    BruteForce.feed(metrics, examples.subList(0, 199_999));
    // Stop one short of a wrap, when the window has seen the most removals since its rebuild.
    assertScope(metrics.snapshot().window(), examples.subList(198_999, 199_999));
  }

  /**
   * A weight of 1e17 absorbs the unit weights added next to it (its ulp is 16); the window is
   * rebuilt from its ring every W examples, so the damage ends once the huge example has left.
   */
  @Test
  void theWindowRecoversFromWeightsThatAbsorbOthers() {
    List<Example> examples = new ArrayList<>(List.of(new Example(0.9, 1, 1e17)));
    for (int i = 1; i < 8; i++) {
      examples.add(new Example(i / 8.0, i % 2, 1));
    }
    ModelMetrics metrics = new ModelMetrics("m", 4, 1 << 16);
    BruteForce.feed(metrics, examples);
    assertScope(metrics.snapshot().window(), examples.subList(4, 8));
  }

  @Test
  void snapshotsSerializeToJson() throws Exception {
    ModelMetrics metrics = new ModelMetrics("finalmlp", 3, 1024);
    metrics.update(new double[] {0.9, 0.2, 0.4, 0.7}, new int[] {1, 0, 0, 1});
    String json = new ObjectMapper().writeValueAsString(metrics.snapshot());
    assertThat(json)
        .startsWith("{\"model\":\"finalmlp\",\"windowCapacity\":3,\"overall\":{\"count\":4,")
        .contains("\"window\":{\"count\":3,\"positives\":1,\"weight\":3.0,\"auc\":1.0,");
    ModelMetrics oneLabel = new ModelMetrics("lr");
    oneLabel.update(0.5, 0);
    assertThat(new ObjectMapper().writeValueAsString(oneLabel.snapshot()))
        .contains("\"auc\":\"NaN\"");
  }

  @Test
  void rejectsInvalidInputsSayingWhatIsValid() {
    ModelMetrics metrics = new ModelMetrics("m");
    assertThatThrownBy(() -> metrics.update(1.5, 1, 1)).hasMessageContaining("[0, 1], was 1.5");
    assertThatThrownBy(() -> metrics.update(Double.NaN, 1, 1)).hasMessageContaining("was NaN");
    assertThatThrownBy(() -> metrics.update(0.5, 2, 1)).hasMessage("label must be 0 or 1, was 2");
    assertThatThrownBy(() -> metrics.update(0.5, 1, -1)).hasMessageContaining(">= 0, was -1.0");
    assertThatThrownBy(() -> metrics.update(0.5, 1, Double.POSITIVE_INFINITY))
        .hasMessageContaining("finite");
    assertThatThrownBy(() -> metrics.update(new double[2], new int[1]))
        .hasMessage("labels has 1 entries, scores 2; they must match");
    assertThatThrownBy(() -> new ModelMetrics("m", 0, 16)).hasMessageContaining("e.g. 10000");
    assertThatThrownBy(() -> new ModelMetrics("m", 10, 1)).hasMessageContaining("e.g. 65536");
    assertThatThrownBy(() -> new ModelMetrics(" ")).hasMessageContaining("non-blank");
    StreamingAuc auc = new StreamingAuc(16);
    new MetricWindow(5, auc);
    assertThatThrownBy(() -> new MetricWindow(5, auc)).hasMessageContaining("already belongs");
  }

  private static void assertScope(MetricsSnapshot.Scope scope, List<Example> examples) {
    assertThat(scope.count()).isEqualTo(examples.size());
    assertThat(scope.positives()).isEqualTo(examples.stream().filter(e -> e.label() == 1).count());
    assertNaNOrClose(scope.auc(), BruteForce.auc(examples), 1e-9);
    if (!examples.isEmpty()) {
      assertThat(scope.logLoss()).isCloseTo(BruteForce.logLoss(examples), within(1e-9));
    }
    assertNaNOrClose(scope.calibration(), BruteForce.calibration(examples), 1e-9);
  }

  @Provide
  Arbitrary<List<Example>> gridExamples() {
    return StreamingAucTest.examples(Arbitraries.integers().between(0, 64).map(k -> k / 64.0));
  }
}
