package org.ctrflow.launcher.models;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * Paired bootstrap intervals of a difference between two variants: the units (streams, or a
 * stream's entities) are resampled with replacement, the statistic recomputed on each resample, and
 * the 2.5th and 97.5th percentiles taken.
 */
final class PairedBootstrap {

  static final int RESAMPLES = 10_000;

  /** A difference and its 95% interval. */
  record Interval(double estimate, double low, double high) {
    boolean excludesZero() {
      return low > 0 || high < 0;
    }
  }

  private PairedBootstrap() {}

  /** The mean of {@code b[i] − a[i]}. */
  static Interval meanDifference(double[] a, double[] b, long seed) {
    return resample(a, b, seed, false);
  }

  /** {@code mean(b) / mean(a) − 1}: the relative change of B against A. */
  static Interval relativeChange(double[] a, double[] b, long seed) {
    return resample(a, b, seed, true);
  }

  private static Interval resample(double[] a, double[] b, long seed, boolean relative) {
    if (a.length != b.length || a.length == 0) {
      throw new IllegalArgumentException(
          "paired samples need equal, non-zero lengths, got " + a.length + " and " + b.length);
    }
    int n = a.length;
    double estimate = statistic(a, b, null, relative);
    if (n == 1) {
      return new Interval(estimate, Double.NaN, Double.NaN);
    }
    SplittableRandom random = new SplittableRandom(seed);
    double[] draws = new double[RESAMPLES];
    int[] pick = new int[n];
    for (int r = 0; r < RESAMPLES; r++) {
      for (int i = 0; i < n; i++) {
        pick[i] = random.nextInt(n);
      }
      draws[r] = statistic(a, b, pick, relative);
    }
    Arrays.sort(draws);
    return new Interval(
        estimate, draws[(int) (0.025 * RESAMPLES)], draws[(int) (0.975 * RESAMPLES) - 1]);
  }

  private static double statistic(double[] a, double[] b, int[] pick, boolean relative) {
    double sumA = 0;
    double sumB = 0;
    int n = pick == null ? a.length : pick.length;
    for (int i = 0; i < n; i++) {
      int j = pick == null ? i : pick[i];
      sumA += a[j];
      sumB += b[j];
    }
    return relative ? sumB / sumA - 1 : (sumB - sumA) / n;
  }
}
