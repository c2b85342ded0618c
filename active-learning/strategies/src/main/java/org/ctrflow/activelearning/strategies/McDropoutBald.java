package org.ctrflow.activelearning.strategies;

import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.ctrflow.models.snapshot.Servable;

/**
 * MC-dropout BALD: T stochastic forward passes of one model (dropout on, batch norm in inference
 * mode; {@link Servable#scoreWithDropout}), and per sample the {@link MutualInformation} of the
 * passes: the part of the model's uncertainty that comes from not knowing its weights, which labels
 * can reduce, as opposed to noise in the label itself. A model without dropout gives T identical
 * passes and BALD 0.
 */
public final class McDropoutBald {

  private final int passes;

  /**
   * @param passes T, the stochastic passes per sample, &gt;= 2 (10-30 is usual)
   * @throws IllegalArgumentException for fewer than 2 passes
   */
  public McDropoutBald(int passes) {
    if (passes < 2) {
      throw new IllegalArgumentException(
          "passes: BALD compares stochastic passes and needs at least 2, such as 20, was "
              + passes);
    }
    this.passes = passes;
  }

  public int passes() {
    return passes;
  }

  /** One sample's BALD estimate. */
  public record Estimate(double meanProbability, double mutualInformation) {}

  /** Estimates for a batch; each sample's passes run in one batched forward pass. */
  public <T> Estimate[] estimate(
      Servable servable,
      List<T> examples,
      Function<? super T, Map<String, String>> categorical,
      Function<? super T, Map<String, Double>> numeric) {
    double[][] probabilities = servable.scoreWithDropout(examples, categorical, numeric, passes);
    Estimate[] estimates = new Estimate[probabilities.length];
    for (int i = 0; i < probabilities.length; i++) {
      estimates[i] = of(probabilities[i]);
    }
    return estimates;
  }

  /** The estimate from one sample's pass probabilities. */
  public static Estimate of(double[] passProbabilities) {
    double mi = MutualInformation.of(passProbabilities);
    double mean = 0;
    for (double p : passProbabilities) {
      mean += p;
    }
    return new Estimate(mean / passProbabilities.length, mi);
  }
}
