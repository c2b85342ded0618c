package org.ctrflow.activelearning.strategies;

/**
 * Query-by-committee: how much the deployed models (e.g. FinalMLP and the memory network) disagree
 * on each sample, as the {@link MutualInformation} of their scores (soft-vote disagreement, in
 * bits). Samples the committee agrees on score 0 even when every member is unsure; combine with
 * {@link Uncertainty} of the consensus where that matters.
 */
public final class CommitteeDisagreement {

  private CommitteeDisagreement() {}

  /**
   * Per-sample disagreement of a committee.
   *
   * @param memberScores one score array per member, indexed [member][sample], all the same length
   * @return one disagreement per sample, in [0, 1]
   * @throws IllegalArgumentException if there is no member, lengths differ, or a score is not a
   *     probability
   */
  public static double[] of(double[]... memberScores) {
    if (memberScores.length == 0) {
      throw new IllegalArgumentException("memberScores: a committee needs at least one member");
    }
    int samples = memberScores[0].length;
    for (int m = 1; m < memberScores.length; m++) {
      if (memberScores[m].length != samples) {
        throw new IllegalArgumentException(
            "memberScores["
                + m
                + "]: every member scores the same samples, expected "
                + samples
                + " scores, was "
                + memberScores[m].length);
      }
    }
    double[] votes = new double[memberScores.length];
    double[] disagreement = new double[samples];
    for (int i = 0; i < samples; i++) {
      for (int m = 0; m < memberScores.length; m++) {
        votes[m] = memberScores[m][i];
      }
      disagreement[i] = MutualInformation.of(votes);
    }
    return disagreement;
  }
}
