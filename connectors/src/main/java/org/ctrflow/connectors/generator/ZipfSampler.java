package org.ctrflow.connectors.generator;

import java.util.Arrays;
import java.util.SplittableRandom;

/** Draws ranks 0..n-1 with probability proportional to {@code 1 / (rank + 1)^exponent}. */
final class ZipfSampler {

  private final double[] cumulative;

  ZipfSampler(int n, double exponent) {
    cumulative = new double[n];
    double sum = 0;
    for (int rank = 0; rank < n; rank++) {
      sum += Math.pow(rank + 1, -exponent);
      cumulative[rank] = sum;
    }
  }

  int sample(SplittableRandom random) {
    double u = random.nextDouble() * cumulative[cumulative.length - 1];
    int found = Arrays.binarySearch(cumulative, u);
    // Not found: binarySearch returns -(insertion point) - 1; the insertion point is the rank.
    return Math.min(found >= 0 ? found : -found - 1, cumulative.length - 1);
  }
}
