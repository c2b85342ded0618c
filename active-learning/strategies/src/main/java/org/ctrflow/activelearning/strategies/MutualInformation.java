package org.ctrflow.activelearning.strategies;

/**
 * Disagreement among several click probabilities for one sample, in bits: the mutual information
 * between the label and which member produced the probability,
 *
 * <pre>  I = H(mean_t p_t) - mean_t H(p_t)</pre>
 *
 * (the entropy of the average prediction minus the average entropy; equivalently the mean
 * Kullback-Leibler divergence of each member from the consensus). It is 0 when all members agree,
 * whatever they agree on, and at most 1 bit (half the members say 0, half say 1).
 *
 * <p>Over T Monte-Carlo dropout passes of one model this is BALD (Houlsby et al. 2011; Gal et al.
 * 2017): {@link McDropoutBald}. Over the deployed models it is query-by-committee with soft votes:
 * {@link CommitteeDisagreement}. One formula, two sources of members.
 */
public final class MutualInformation {

  private MutualInformation() {}

  /**
   * The mutual information of one sample's member probabilities.
   *
   * @param probabilities at least one probability in [0, 1]
   * @throws IllegalArgumentException if empty or any value is not a probability
   */
  public static double of(double[] probabilities) {
    if (probabilities.length == 0) {
      throw new IllegalArgumentException("probabilities: need at least one member, was empty");
    }
    double mean = 0;
    double meanEntropy = 0;
    boolean allEqual = true;
    for (int t = 0; t < probabilities.length; t++) {
      double p = Uncertainty.requireProbability("probabilities[" + t + "]", probabilities[t]);
      mean += p;
      meanEntropy += Uncertainty.entropyOfValid(p);
      allEqual &= p == probabilities[0];
    }
    if (allEqual) {
      return 0; // exactly, where the sums below would leave rounding noise
    }
    mean /= probabilities.length;
    meanEntropy /= probabilities.length;
    // Jensen's inequality makes it >= 0; rounding can leave -1e-17.
    return Math.max(0, Uncertainty.entropyOfValid(mean) - meanEntropy);
  }
}
