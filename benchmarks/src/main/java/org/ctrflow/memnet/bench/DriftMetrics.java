package org.ctrflow.memnet.bench;

import java.util.Arrays;
import java.util.Comparator;
import java.util.stream.IntStream;

/** Prequential metrics of one run over a drift stream. */
public final class DriftMetrics {

  private DriftMetrics() {}

  /** Per-example log loss, probabilities clipped to [1e-7, 1 − 1e-7]. */
  public static double[] losses(double[] scores, float[] labels) {
    double[] losses = new double[scores.length];
    for (int i = 0; i < scores.length; i++) {
      double p = Math.min(Math.max(scores[i], 1e-7), 1 - 1e-7);
      losses[i] = labels[i] > 0.5f ? -Math.log(p) : -Math.log(1 - p);
    }
    return losses;
  }

  /** Mean log loss of the {@code window} examples ending at each index (fewer at the start). */
  public static double[] windowed(double[] losses, int window) {
    double[] out = new double[losses.length];
    double sum = 0;
    for (int i = 0; i < losses.length; i++) {
      sum += losses[i];
      if (i >= window) {
        sum -= losses[i - window];
      }
      out[i] = sum / Math.min(i + 1, window);
    }
    return out;
  }

  /** Exact AUC (ties count one half), by ranking. */
  public static double auc(double[] scores, float[] labels) {
    Integer[] order = IntStream.range(0, scores.length).boxed().toArray(Integer[]::new);
    Arrays.sort(order, Comparator.comparingDouble(i -> scores[i]));
    double rankSum = 0;
    long positives = 0;
    int i = 0;
    while (i < order.length) {
      int j = i;
      while (j + 1 < order.length && scores[order[j + 1]] == scores[order[i]]) {
        j++;
      }
      double rank = (i + j) / 2.0 + 1;
      for (int k = i; k <= j; k++) {
        if (labels[order[k]] > 0.5f) {
          rankSum += rank;
          positives++;
        }
      }
      i = j + 1;
    }
    long negatives = scores.length - positives;
    return (rankSum - positives * (positives + 1) / 2.0) / ((double) positives * negatives);
  }

  /**
   * Events from {@code drift} until the windowed log loss is back within 10% of its level just
   * before the drift: 0 if it never rose above 1.1 × that level before {@code end}, -1 if it rose
   * and did not come back before {@code end} (the next drift or the stream's end).
   */
  static long recovery(double[] windowed, int drift, int end) {
    double limit = 1.1 * windowed[drift - 1];
    boolean rose = false;
    for (int i = drift; i < end; i++) {
      if (windowed[i] > limit) {
        rose = true;
      } else if (rose) {
        return i - drift;
      }
    }
    return rose ? -1 : 0;
  }
}
