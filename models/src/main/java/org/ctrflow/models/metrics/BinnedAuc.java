package org.ctrflow.models.metrics;

import java.util.Arrays;

/**
 * Weighted AUC over score bins: {@code bins} equal-width bins over [0, 1], with per-label Fenwick
 * trees of weight per bin. An update costs O(log bins) and keeps the AUC numerator current, so
 * reading it is O(1).
 *
 * <p>A positive-negative pair counts 1 when the positive's bin is higher, 1/2 when both share a
 * bin. The exact AUC (ties of equal scores counted 1/2) differs only on pairs that share a bin with
 * different scores, by at most 1/2 each, so {@code |binned - exact| <= errorBound() = 0.5 *
 * sharedBinPairs / (W+ * W-)}. With distinct bins for all scores of a pair the result is exact.
 */
final class BinnedAuc implements Accumulator {

  private final int bins;
  private final double[] positives;
  private final double[] negatives;
  private double positiveWeight;
  private double negativeWeight;
  private long positiveCount;
  private long negativeCount;
  private double orderedPairs;
  private double sharedBinPairs;

  BinnedAuc(int bins) {
    this.bins = bins;
    this.positives = new double[bins + 1];
    this.negatives = new double[bins + 1];
  }

  @Override
  public void apply(double score, int label, double unsignedWeight, int sign) {
    double weight = sign * unsignedWeight;
    int bin = (int) Math.min(score * bins, bins - 1);
    double[] same = label == 1 ? positives : negatives;
    double[] other = label == 1 ? negatives : positives;
    double otherBelow = prefix(other, bin);
    double otherInBin = prefix(other, bin + 1) - otherBelow;
    double otherAbove = (label == 1 ? negativeWeight : positiveWeight) - otherBelow - otherInBin;
    // A positive outranks the negatives below it; a negative is outranked by the positives above.
    orderedPairs += weight * ((label == 1 ? otherBelow : otherAbove) + 0.5 * otherInBin);
    sharedBinPairs += weight * otherInBin;
    for (int i = bin + 1; i <= bins; i += i & -i) {
      same[i] += weight;
    }
    if (label == 1) {
      positiveWeight += weight;
      positiveCount += sign;
    } else {
      negativeWeight += weight;
      negativeCount += sign;
    }
  }

  /** The weight in bins {@code 0 .. end - 1}. */
  private static double prefix(double[] tree, int end) {
    double sum = 0;
    for (int i = end; i > 0; i -= i & -i) {
      sum += tree[i];
    }
    return sum;
  }

  @Override
  public void clear() {
    Arrays.fill(positives, 0);
    Arrays.fill(negatives, 0);
    positiveWeight = 0;
    negativeWeight = 0;
    positiveCount = 0;
    negativeCount = 0;
    orderedPairs = 0;
    sharedBinPairs = 0;
  }

  /** The AUC in [0, 1]; NaN while either label is absent (or has zero weight). */
  double auc() {
    return defined() ? clamp(orderedPairs / (positiveWeight * negativeWeight)) : Double.NaN;
  }

  /** The most {@link #auc()} can differ from the exact AUC; NaN when the AUC is. */
  double errorBound() {
    return defined() ? clamp(0.5 * sharedBinPairs / (positiveWeight * negativeWeight)) : Double.NaN;
  }

  private boolean defined() {
    return positiveCount > 0 && negativeCount > 0 && positiveWeight > 0 && negativeWeight > 0;
  }

  // Rounding in weighted removals can leave a ratio a few ulps outside [0, 1].
  private static double clamp(double ratio) {
    return Math.min(1, Math.max(0, ratio));
  }
}
