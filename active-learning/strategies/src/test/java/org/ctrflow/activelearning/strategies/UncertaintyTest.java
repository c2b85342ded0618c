package org.ctrflow.activelearning.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Comparator;
import java.util.List;
import java.util.Random;
import java.util.function.DoubleUnaryOperator;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class UncertaintyTest {

  @Test
  void entropyInBitsByHand() {
    assertThat(Uncertainty.entropyBits(0.5)).isEqualTo(1.0);
    assertThat(Uncertainty.entropyBits(0.0)).isEqualTo(0.0);
    assertThat(Uncertainty.entropyBits(1.0)).isEqualTo(0.0);
    // -0.25 log2 0.25 - 0.75 log2 0.75 = 0.5 + 0.311278...
    assertThat(Uncertainty.entropyBits(0.25)).isCloseTo(0.8112781244591328, within(1e-15));
    assertThat(Uncertainty.entropyBits(0.1)).isCloseTo(0.4689955935892812, within(1e-15));
    assertThat(Uncertainty.entropyBits(0.9)).isEqualTo(Uncertainty.entropyBits(0.1));
  }

  @Test
  void leastConfidenceMarginAndEntropyRankBinaryScoresAlike() {
    DoubleUnaryOperator leastConfidence = p -> 1 - Math.max(p, 1 - p);
    DoubleUnaryOperator margin = p -> 1 - Math.abs(p - (1 - p));
    double[] scores = new Random(7).doubles(1_000).toArray();

    List<Integer> byEntropy = rank(scores, Uncertainty::entropyBits);
    assertThat(rank(scores, leastConfidence)).isEqualTo(byEntropy);
    assertThat(rank(scores, margin)).isEqualTo(byEntropy);
  }

  private static List<Integer> rank(double[] scores, DoubleUnaryOperator measure) {
    return IntStream.range(0, scores.length)
        .boxed()
        .sorted(
            Comparator.comparingDouble((Integer i) -> measure.applyAsDouble(scores[i]))
                .thenComparingDouble(i -> -Math.abs(scores[i] - 0.5))
                .thenComparingInt(i -> i))
        .toList();
  }

  @Test
  void rejectsWhatIsNotAProbability() {
    assertThatThrownBy(() -> Uncertainty.entropyBits(Double.NaN))
        .hasMessage("p: must be a probability in [0, 1], was NaN");
    assertThatThrownBy(() -> Uncertainty.entropyBits(1.5)).hasMessageStartingWith("p: ");
  }
}
