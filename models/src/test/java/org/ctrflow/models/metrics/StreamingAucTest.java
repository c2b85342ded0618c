package org.ctrflow.models.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.ctrflow.models.metrics.BruteForce.Example;
import org.junit.jupiter.api.Test;

class StreamingAucTest {

  @Test
  void matchesHandComputedCases() {
    assertThat(overall(ex(0.9, 1, 1), ex(0.4, 1, 1), ex(0.5, 0, 1), ex(0.1, 0, 1))).isEqualTo(0.75);
    // Weighted pairs: 2*1 + 2*3 + 0 + 1*3 of 3*4.
    assertThat(overall(ex(0.9, 1, 2), ex(0.4, 1, 1), ex(0.5, 0, 1), ex(0.1, 0, 3)))
        .isCloseTo(11.0 / 12, within(1e-15));
    assertThat(overall(ex(0.5, 1, 1), ex(0.5, 0, 1))).isEqualTo(0.5);
    assertThat(overall(ex(0.0, 1, 1), ex(1.0, 0, 1))).isEqualTo(0.0);
  }

  @Test
  void isUndefinedWithOneLabelOrNoWeight() {
    assertThat(overall()).isNaN();
    assertThat(overall(ex(0.3, 1, 1), ex(0.6, 1, 1))).isNaN();
    assertThat(overall(ex(0.3, 0, 1))).isNaN();
    assertThat(overall(ex(0.3, 0, 1), ex(0.6, 1, 0))).isNaN();
  }

  @Test
  void boundsTheErrorOfPairsSharingABin() {
    StreamingAuc auc = new StreamingAuc(4);
    MetricWindow window = new MetricWindow(10, auc);
    // 0.30 and 0.40 share bin 1 of 4: binned 1/2, exact 0 for that pair.
    window.update(0.30, 1, 1);
    window.update(0.40, 0, 1);
    window.update(0.90, 1, 1);
    window.update(0.10, 0, 1);
    assertThat(auc.overall()).isEqualTo(3.5 / 4);
    assertThat(auc.overallErrorBound()).isEqualTo(0.5 / 4);
    assertThat(BruteForce.auc(List.of(ex(0.3, 1, 1), ex(0.4, 0, 1), ex(0.9, 1, 1), ex(0.1, 0, 1))))
        .isEqualTo(3.0 / 4);
  }

  /** Scores on a 1/64 grid fall into distinct bins of 2^16: exact, ties and weights included. */
  @Property(tries = 200)
  void isExactWhenDistinctScoresHaveDistinctBins(@ForAll("gridExamples") List<Example> examples) {
    StreamingAuc auc = new StreamingAuc();
    MetricWindow window = new MetricWindow(examples.size() + 1, auc);
    examples.forEach(e -> window.update(e.score(), e.label(), e.weight()));
    assertNaNOrClose(auc.overall(), BruteForce.auc(examples), 1e-12);
    assertNaNOrClose(auc.window(), BruteForce.auc(examples), 1e-12);
  }

  @Property(tries = 200)
  void staysWithinItsErrorBoundForArbitraryScores(
      @ForAll("anyExamples") List<Example> examples,
      @ForAll @IntRange(min = 2, max = 64) int bins) {
    StreamingAuc auc = new StreamingAuc(bins);
    MetricWindow window = new MetricWindow(1, auc);
    examples.forEach(e -> window.update(e.score(), e.label(), e.weight()));
    double exact = BruteForce.auc(examples);
    if (Double.isNaN(exact)) {
      assertThat(auc.overall()).isNaN();
    } else {
      assertThat(Math.abs(auc.overall() - exact))
          .isLessThanOrEqualTo(auc.overallErrorBound() + 1e-12);
    }
  }

  @Provide
  Arbitrary<List<Example>> gridExamples() {
    return examples(Arbitraries.integers().between(0, 64).map(k -> k / 64.0));
  }

  @Provide
  Arbitrary<List<Example>> anyExamples() {
    return examples(Arbitraries.doubles().between(0, 1));
  }

  static Arbitrary<List<Example>> examples(Arbitrary<Double> scores) {
    Arbitrary<Double> weights =
        Arbitraries.oneOf(Arbitraries.just(1.0), Arbitraries.doubles().between(0.1, 5));
    return Combinators.combine(scores, Arbitraries.integers().between(0, 1), weights)
        .as(Example::new)
        .list()
        .ofMaxSize(120);
  }

  static void assertNaNOrClose(double actual, double expected, double tolerance) {
    if (Double.isNaN(expected)) {
      assertThat(actual).isNaN();
    } else {
      assertThat(actual).isCloseTo(expected, within(tolerance));
    }
  }

  private static Example ex(double score, int label, double weight) {
    return new Example(score, label, weight);
  }

  private static double overall(Example... examples) {
    StreamingAuc auc = new StreamingAuc();
    MetricWindow window = new MetricWindow(2, auc);
    for (Example e : examples) {
      window.update(e.score(), e.label(), e.weight());
    }
    return auc.overall();
  }
}
