package org.ctrflow.connectors.generator;

import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The hidden model that labels the synthetic stream: {@code logit = base + sum of first-order
 * weights of the event's values + sum over declared field pairs of <u_a, v_b>}, with low-rank
 * factors per value. No embedding a learner could copy: it only sees features and clicks.
 */
final class TeacherModel {

  private final SplittableRandom random;
  private final double weightStd;
  private final double factorStd;
  private final int rank;
  private final int[][] pairFields;
  private final double[][] firstOrder;

  /** factors[pair][side][value * rank + k]: side 0 for the pair's first field, 1 for its second. */
  private final double[][][] factors;

  private double base;

  TeacherModel(GeneratorConfig config, SplittableRandom random) {
    this.random = random;
    this.weightStd = config.weightStd();
    this.rank = config.rank();
    // Scaled so each interaction term has the first-order weights' spread: var(<u,v>) = k s^4.
    this.factorStd = Math.sqrt(weightStd / Math.sqrt(rank));
    this.base = logit(config.baseCtr());
    List<GeneratorConfig.Field> fields = config.fields();
    firstOrder = new double[fields.size()][];
    for (int f = 0; f < fields.size(); f++) {
      firstOrder[f] = gaussians(fields.get(f).cardinality(), weightStd);
    }
    List<GeneratorConfig.Pair> pairs = config.interactions();
    pairFields = new int[pairs.size()][];
    factors = new double[pairs.size()][2][];
    for (int p = 0; p < pairs.size(); p++) {
      pairFields[p] =
          new int[] {
            config.fieldIndex(pairs.get(p).first()), config.fieldIndex(pairs.get(p).second())
          };
      for (int side = 0; side < 2; side++) {
        factors[p][side] =
            gaussians(fields.get(pairFields[p][side]).cardinality() * rank, factorStd);
      }
    }
  }

  /** The click probability of an event with these value ids, one per field. */
  double probability(int[] values) {
    double z = base;
    for (int f = 0; f < values.length; f++) {
      z += firstOrder[f][values[f]];
    }
    for (int p = 0; p < pairFields.length; p++) {
      int a = values[pairFields[p][0]] * rank;
      int b = values[pairFields[p][1]] * rank;
      double[] left = factors[p][0];
      double[] right = factors[p][1];
      for (int k = 0; k < rank; k++) {
        z += left[a + k] * right[b + k];
      }
    }
    return 1 / (1 + Math.exp(-z));
  }

  /** See {@link DriftStep.FlipSegment}. */
  void flip(int field, int value) {
    double w = firstOrder[field][value];
    firstOrder[field][value] = -Math.signum(w == 0 ? 1 : w) * Math.max(Math.abs(w), 1.5);
  }

  /** Adds {@code count} values with fresh weights and factors to a field. */
  void grow(int field, int count) {
    int old = firstOrder[field].length;
    firstOrder[field] = Arrays.copyOf(firstOrder[field], old + count);
    System.arraycopy(gaussians(count, weightStd), 0, firstOrder[field], old, count);
    for (int p = 0; p < pairFields.length; p++) {
      for (int side = 0; side < 2; side++) {
        if (pairFields[p][side] == field) {
          double[] grown = Arrays.copyOf(factors[p][side], (old + count) * rank);
          System.arraycopy(gaussians(count * rank, factorStd), 0, grown, old * rank, count * rank);
          factors[p][side] = grown;
        }
      }
    }
  }

  void baseRate(double ctr) {
    base = logit(ctr);
  }

  private double[] gaussians(int n, double std) {
    double[] values = new double[n];
    for (int i = 0; i < n; i++) {
      values[i] = random.nextGaussian() * std;
    }
    return values;
  }

  private static double logit(double p) {
    return Math.log(p / (1 - p));
  }
}
