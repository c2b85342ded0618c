package org.ctrflow.activelearning.strategies;

/**
 * Uncertainty of one binary click score: its binary entropy in bits, in [0, 1], 1 at p = 0.5.
 *
 * <p>Least confidence (1 - max(p, 1 - p)), margin (1 - |p - (1 - p)|) and entropy are the three
 * classic uncertainty-sampling measures. For one binary score all three are strictly decreasing
 * functions of |p - 0.5|, so they rank samples identically and select the same samples at any
 * budget; only their scales differ, and the budgeted selector adapts its threshold to whatever
 * scale it is given. So one measure is implemented, entropy, because it shares its unit (bits) with
 * {@link MutualInformation} (BALD, committee disagreement): all strategies report uncertainty on
 * one [0, 1] scale.
 */
public final class Uncertainty {

  private static final double LN2 = Math.log(2);

  private Uncertainty() {}

  /**
   * Binary entropy H(p) = -p log2 p - (1 - p) log2 (1 - p), with 0 log 0 = 0.
   *
   * @param p a click probability in [0, 1]
   * @throws IllegalArgumentException if p is outside [0, 1] or not a number
   */
  public static double entropyBits(double p) {
    requireProbability("p", p);
    return entropyOfValid(p);
  }

  /** {@link #entropyBits} without the range check, for callers that validated already. */
  static double entropyOfValid(double p) {
    return (xlog(p) + xlog(1 - p)) / -LN2;
  }

  private static double xlog(double x) {
    return x <= 0 ? 0 : x * Math.log(x);
  }

  /** Rejects anything but a probability, naming the field at fault. */
  static double requireProbability(String field, double p) {
    if (!(p >= 0 && p <= 1)) {
      throw new IllegalArgumentException(field + ": must be a probability in [0, 1], was " + p);
    }
    return p;
  }
}
