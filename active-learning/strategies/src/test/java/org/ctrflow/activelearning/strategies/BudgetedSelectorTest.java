package org.ctrflow.activelearning.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class BudgetedSelectorTest {

  private static final double TARGET_PER_MINUTE = 1_200;

  /**
   * 1M simulated scores, Poisson arrivals: 500k at 1,000/s of confident scores, then a shift to
   * 500k at 2,000/s of much less confident ones (twice the traffic, a different uncertainty
   * distribution). The labeling rate stays within ±10% of the target over the whole stream and in
   * each phase after its first minute (several time constants) of adaptation; the expected rate
   * (the sum of query probabilities), free of the coin's noise, within ±3%.
   */
  @Test
  void theLabelingRateStaysNearTheTargetAlsoAfterADistributionShift() {
    BudgetedSelector selector =
        BudgetedSelector.builder().setTargetPerMinute(TARGET_PER_MINUTE).optSeed(1).build();
    SplittableRandom random = new SplittableRandom(2);
    Phase first = new Phase(0);
    Phase second = null;
    long selected = 0;
    double t = 0;
    for (int i = 0; i < 1_000_000; i++) {
      boolean shifted = i >= 500_000;
      t += -Math.log(1 - random.nextDouble()) * (shifted ? 0.5 : 1.0); // ms
      long now = (long) t;
      if (i == 500_000) {
        second = new Phase(now);
      }
      double logit = shifted ? -0.5 + random.nextGaussian() : -3 + 1.5 * random.nextGaussian();
      BudgetedSelector.Selection s =
          selector.select(Uncertainty.entropyBits(1 / (1 + Math.exp(-logit))), now);
      assertThat(s.queryProbability()).isGreaterThan(0).isLessThanOrEqualTo(1);
      selected += s.selected() ? 1 : 0;
      (shifted ? second : first).add(s, now);
    }
    double overall = selected / (t / 60_000);
    System.out.printf(
        "labels/min overall %.1f; phase 1 %.1f (expected %.1f); phase 2 %.1f (expected %.1f);"
            + " target %.0f; threshold %.3f%n",
        overall,
        first.labelsPerMinute(),
        first.expectedPerMinute(),
        second.labelsPerMinute(),
        second.expectedPerMinute(),
        TARGET_PER_MINUTE,
        selector.threshold());

    assertThat(overall).isBetween(0.9 * TARGET_PER_MINUTE, 1.1 * TARGET_PER_MINUTE);
    for (Phase phase : new Phase[] {first, second}) {
      assertThat(phase.labelsPerMinute())
          .isBetween(0.9 * TARGET_PER_MINUTE, 1.1 * TARGET_PER_MINUTE);
      assertThat(phase.expectedPerMinute())
          .isBetween(0.97 * TARGET_PER_MINUTE, 1.03 * TARGET_PER_MINUTE);
    }
  }

  /** Labels and expected labels of one phase, counted after its first minute. */
  private static final class Phase {
    private final long start;
    private long end;
    private long labels;
    private double expected;

    Phase(long start) {
      this.start = start;
    }

    void add(BudgetedSelector.Selection s, long now) {
      end = now;
      if (now - start >= 60_000) {
        labels += s.selected() ? 1 : 0;
        expected += s.queryProbability();
      }
    }

    double labelsPerMinute() {
      return labels / ((end - start - 60_000) / 60_000.0);
    }

    double expectedPerMinute() {
      return expected / ((end - start - 60_000) / 60_000.0);
    }
  }

  /**
   * The positive rate estimated from the selected samples alone, each label weighted 1/p
   * (Horvitz-Thompson), matches the true rate of the whole stream within 3 standard errors, while
   * the unweighted rate of the selected samples (skewed toward uncertain ones) does not.
   */
  @Test
  void importanceWeightedLabelsEstimateThePositiveRateWithoutBias() {
    BudgetedSelector selector =
        BudgetedSelector.builder().setTargetPerMinute(600).optSeed(3).build();
    SplittableRandom random = new SplittableRandom(4);
    int n = 300_000;
    long positives = 0;
    double weighted = 0;
    double variance = 0;
    long selected = 0;
    long selectedPositives = 0;
    double t = 0;
    for (int i = 0; i < n; i++) {
      t += -Math.log(1 - random.nextDouble()); // 1,000 per second: 1% may be labeled
      double p = 1 / (1 + Math.exp(2 - 1.5 * random.nextGaussian()));
      int y = random.nextDouble() < p ? 1 : 0;
      positives += y;
      BudgetedSelector.Selection s = selector.select(Uncertainty.entropyBits(p), (long) t);
      if (s.selected()) {
        selected++;
        selectedPositives += y;
        weighted += y * s.importanceWeight();
        variance += y * (1 - s.queryProbability()) / (s.queryProbability() * s.queryProbability());
      }
    }
    double truth = (double) positives / n;
    double estimate = weighted / n;
    double standardError = Math.sqrt(variance) / n;
    double naive = (double) selectedPositives / selected;
    System.out.printf(
        "true rate %.4f, weighted estimate %.4f ± %.4f (1 s.e.), unweighted %.4f from %d labels%n",
        truth, estimate, standardError, naive, selected);

    assertThat(standardError).isLessThan(0.1 * truth);
    assertThat(Math.abs(estimate - truth)).isLessThanOrEqualTo(3 * standardError);
    assertThat(Math.abs(naive - truth)).isGreaterThan(5 * standardError);
  }

  @Test
  void aRestoredSelectorContinuesExactlyWhereTheStateWasTaken() {
    BudgetedSelector a = BudgetedSelector.builder().setTargetPerMinute(60).build();
    SplittableRandom random = new SplittableRandom(5);
    for (int i = 0; i < 10_000; i++) {
      a.select(random.nextDouble(), i * 10L);
    }
    BudgetedSelector b = BudgetedSelector.builder().setTargetPerMinute(60).optSeed(99).build();
    b.restore(a.toBytes());
    assertThat(a.toBytes()).hasSize(56);
    for (int i = 10_000; i < 11_000; i++) {
      double u = random.nextDouble();
      assertThat(b.select(u, i * 10L)).isEqualTo(a.select(u, i * 10L));
    }
  }

  @Test
  void aBudgetAboveTheTrafficLabelsEverySampleWithCertainty() {
    BudgetedSelector selector = BudgetedSelector.builder().setTargetPerMinute(120).build();
    for (int i = 0; i < 100; i++) { // one sample per second, two labels per second allowed
      BudgetedSelector.Selection s = selector.select(0.01, i * 1_000L);
      assertThat(s.selected()).isTrue();
      assertThat(s.queryProbability()).isEqualTo(1.0);
    }
  }

  @Test
  void badStateAndConfigurationFailNamingWhatIsWrong() {
    BudgetedSelector s = BudgetedSelector.builder().setTargetPerMinute(60).build();
    byte[] bytes = s.toBytes();
    bytes[7] = 2;
    assertThatThrownBy(() -> s.restore(bytes))
        .hasMessage("selector state: unknown format version 2, expected 1");
    assertThatThrownBy(() -> BudgetedSelector.builder().build())
        .hasMessageStartingWith("targetPerMinute: must be a finite number > 0");
    assertThatThrownBy(
            () -> BudgetedSelector.builder().setTargetPerMinute(1).optExplorationShare(1).build())
        .hasMessageStartingWith("explorationShare: must be in (0, 1)");
    assertThatThrownBy(() -> s.select(1.2, 0)).hasMessageStartingWith("uncertainty: ");
  }
}
