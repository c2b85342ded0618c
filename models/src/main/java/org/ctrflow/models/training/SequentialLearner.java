package org.ctrflow.models.training;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.function.Function;
import org.ctrflow.models.blocks.PairCrosses;
import org.ctrflow.models.blocks.WideTerms;
import org.ctrflow.models.snapshot.TrainerState;

/**
 * Fits a model's {@link WideTerms} example by example, in stream order, as a classic online learner
 * does: each example is scored with the weights that every earlier example has already updated,
 * then its gradient updates them. Bias, linear and cross weights follow FTRL-Proximal per
 * coordinate (McMahan et al. 2013, Algorithm 1):
 *
 * <pre>
 *   σ = (sqrt(n + g²) − sqrt(n)) / α;  z += g − σ·w;  n += g²
 *   w = 0 if |z| ≤ λ1, else −(z − sign(z)·λ1) / ((β + sqrt(n)) / α + λ2)
 * </pre>
 *
 * and the factorization machine's factors AdaGrad per coordinate, {@code n += g²; v −= η·g /
 * sqrt(n)}, with g = ∂ℓ/∂v + λ_v·v. The gradient of example i's logit is {@code w_i·(p_i − y_i)}
 * (importance weight w_i), where p_i includes the deep part's logit: the wide terms learn what the
 * deep part does not yet predict, while the deep part, trained afterwards on the same examples,
 * sees the wide terms as a fixed offset. Per-example steps are what let a new user's or item's
 * weights move within its first rows; batched, one step per micro-batch, they move once.
 *
 * <p>The weights live in Java arrays during training; {@link #writeChanged} copies the rows a batch
 * changed into the block's parameters (two native calls per table), so the block, its snapshots and
 * its deltas always hold what this learner holds between batches. Not thread-safe.
 */
final class SequentialLearner {

  /** A wide table in Java memory: weights and per-coordinate optimizer state. */
  private static final class Table {
    final Parameter parameter;
    final int width;
    final long rowOffset; // of the trainer's touched-row space; -1 for the (dense) bias
    final float[] w;
    final float[] z; // FTRL: z; AdaGrad: unused
    final float[] n; // FTRL: n; AdaGrad: the squared-gradient sum
    // Rows changed since the last writeChanged, each once.
    int[] changed = new int[256];
    int changedCount;
    final BitSet dirty = new BitSet();

    Table(Parameter parameter, long rowOffset, boolean ftrl) {
      this.parameter = parameter;
      Shape shape = parameter.getArray().getShape();
      this.width = (int) shape.get(1);
      this.rowOffset = rowOffset;
      long size = shape.size();
      if (size > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "wide table " + parameter.getName() + " of shape " + shape + " is too large");
      }
      w = parameter.getArray().toFloatArray();
      z = ftrl ? new float[(int) size] : null;
      n = new float[(int) size];
    }

    void touch(int row) {
      if (!dirty.get(row)) {
        dirty.set(row);
        if (changedCount == changed.length) {
          changed = Arrays.copyOf(changed, 2 * changed.length);
        }
        changed[changedCount++] = row;
      }
    }
  }

  private final TrainerConfig config;
  private final int fields;
  private final PairCrosses crosses;
  private final Table bias;
  private final Table linear;
  private final Table cross;
  private final Table factors;
  private final int k;
  private final double[] factorSums;

  /**
   * @param rowOffsets the first row of each of {@code terms}' row tables in the trainer's
   *     touched-row space, in {@code WideTerms}' table order (linear, cross, factors)
   */
  SequentialLearner(WideTerms terms, TrainerConfig config, int fields, List<Long> rowOffsets) {
    this.config = config;
    this.fields = fields;
    this.crosses = terms.crosses();
    int next = 0;
    bias = terms.bias() == null ? null : new Table(terms.bias(), -1, true);
    linear =
        terms.linear() == null ? null : new Table(terms.linear(), rowOffsets.get(next++), true);
    cross = terms.cross() == null ? null : new Table(terms.cross(), rowOffsets.get(next++), true);
    factors =
        terms.factors() == null ? null : new Table(terms.factors(), rowOffsets.get(next), false);
    k = factors == null ? 0 : factors.width;
    factorSums = new double[k];
  }

  /**
   * Test-then-train over a batch in order: example i is scored with the weights after examples 0 to
   * i − 1, then learnt.
   *
   * @param deepLogits the deep part's logits of the batch (zeros for a wide-only model)
   * @param weights importance weights; null for all 1
   * @return click probabilities, each from before its example was learnt
   */
  double[] scoreThenLearn(
      long[] rows, int batchSize, float[] deepLogits, float[] labels, float[] weights) {
    double[] scores = new double[batchSize];
    for (int i = 0; i < batchSize; i++) {
      double p = sigmoid(deepLogits[i] + logit(rows, i * fields));
      scores[i] = p;
      float weight = weights == null ? 1f : weights[i];
      if (weight > 0f) {
        update(rows, i * fields, weight * (p - labels[i]));
      }
    }
    return scores;
  }

  /** The wide terms' logit of the example whose rows start at {@code offset}. */
  double logit(long[] rows, int offset) {
    double sum = 0;
    if (bias != null) {
      sum += bias.w[0];
      for (int f = 0; f < fields; f++) {
        sum += linear.w[(int) rows[offset + f]];
      }
    }
    if (cross != null) {
      for (int p = 0; p < crosses.pairs(); p++) {
        sum += cross.w[(int) crosses.row(rows, offset, p)];
      }
    }
    if (factors != null) {
      Arrays.fill(factorSums, 0);
      double squares = 0;
      for (int f = 0; f < fields; f++) {
        int base = (int) rows[offset + f] * k;
        for (int j = 0; j < k; j++) {
          double v = factors.w[base + j];
          factorSums[j] += v;
          squares += v * v;
        }
      }
      double pairwise = -squares;
      for (int j = 0; j < k; j++) {
        pairwise += factorSums[j] * factorSums[j];
      }
      sum += 0.5 * pairwise;
    }
    return sum;
  }

  /**
   * One example's update; {@code factorSums} must hold its factor sums from {@link #logit}.
   *
   * @param g ∂ℓ/∂logit of the example
   */
  private void update(long[] rows, int offset, double g) {
    if (bias != null) {
      ftrl(bias, 0, g);
      for (int f = 0; f < fields; f++) {
        ftrl(linear, (int) rows[offset + f], g);
      }
    }
    if (cross != null) {
      for (int p = 0; p < crosses.pairs(); p++) {
        ftrl(cross, (int) crosses.row(rows, offset, p), g);
      }
    }
    if (factors != null) {
      float rate = config.factorLearningRate();
      float l2 = config.factorL2();
      for (int f = 0; f < fields; f++) {
        int row = (int) rows[offset + f];
        int base = row * k;
        for (int j = 0; j < k; j++) {
          float v = factors.w[base + j];
          double grad = g * (factorSums[j] - v) + l2 * v;
          factors.n[base + j] += (float) (grad * grad);
          factors.w[base + j] = (float) (v - rate * grad / Math.sqrt(factors.n[base + j] + 1e-12));
        }
        factors.touch(row);
      }
    }
  }

  private void ftrl(Table t, int i, double g) {
    double alpha = config.wideAlpha();
    double n = t.n[i];
    double n2 = n + g * g;
    double sigma = (Math.sqrt(n2) - Math.sqrt(n)) / alpha;
    double z = t.z[i] + g - sigma * t.w[i];
    t.z[i] = (float) z;
    t.n[i] = (float) n2;
    double l1 = config.wideL1();
    t.w[i] =
        Math.abs(z) <= l1
            ? 0f
            : (float)
                (-(z - Math.signum(z) * l1)
                    / ((config.wideBeta() + Math.sqrt(n2)) / alpha + config.wideL2()));
    t.touch(i);
  }

  /**
   * Copies the rows changed since the last call into the block's parameters and marks them in
   * {@code touched}.
   *
   * @param step a per-step manager for the temporaries
   */
  void writeChanged(NDManager step, TouchedRows touched) {
    for (Table t : tables()) {
      if (t.changedCount == 0) {
        continue;
      }
      long[] ids = new long[t.changedCount];
      float[] values = new float[t.changedCount * t.width];
      for (int i = 0; i < t.changedCount; i++) {
        int row = t.changed[i];
        ids[i] = row;
        System.arraycopy(t.w, row * t.width, values, i * t.width, t.width);
        t.dirty.clear(row);
      }
      t.parameter
          .getArray()
          .set(
              new NDIndex("{}", step.create(ids)),
              step.create(values, new Shape(ids.length, t.width)));
      if (t.rowOffset >= 0) {
        long[] global = new long[ids.length];
        for (int i = 0; i < ids.length; i++) {
          global[i] = t.rowOffset + ids[i];
        }
        touched.mark(global, global.length);
      }
      t.changedCount = 0;
    }
  }

  /** The optimizer state, named after the parameters, for {@link TrainerState}. */
  List<TrainerState.Tensor> state(Function<Parameter, String> names) {
    List<TrainerState.Tensor> out = new ArrayList<>();
    for (Table t : tables()) {
      Shape shape = t.parameter.getArray().getShape();
      String name = names.apply(t.parameter);
      if (t.z != null) {
        out.add(new TrainerState.Tensor("ftrl.z/" + name, shape, t.z.clone()));
        out.add(new TrainerState.Tensor("ftrl.n/" + name, shape, t.n.clone()));
      } else {
        out.add(new TrainerState.Tensor("adagrad.n/" + name, shape, t.n.clone()));
      }
    }
    return out;
  }

  /**
   * Continues from {@link #state}'s tensors (checked by the caller against {@link #state}'s names
   * and shapes) and the block's parameters, already restored.
   */
  void restore(List<TrainerState.Tensor> state) {
    int i = 0;
    for (Table t : tables()) {
      FloatBuffer.wrap(t.w).put(t.parameter.getArray().toFloatArray());
      if (t.z != null) {
        System.arraycopy(state.get(i++).data(), 0, t.z, 0, t.z.length);
      }
      System.arraycopy(state.get(i++).data(), 0, t.n, 0, t.n.length);
      t.dirty.clear();
      t.changedCount = 0;
    }
  }

  /** Reloads the weights from the block's parameters (after {@code loadWeights}). */
  void reloadWeights() {
    for (Table t : tables()) {
      FloatBuffer.wrap(t.w).put(t.parameter.getArray().toFloatArray());
    }
  }

  private List<Table> tables() {
    List<Table> tables = new ArrayList<>(4);
    for (Table t : new Table[] {bias, linear, cross, factors}) {
      if (t != null) {
        tables.add(t);
      }
    }
    return tables;
  }

  private static double sigmoid(double z) {
    double clipped = Math.max(-35, Math.min(35, z));
    return 1 / (1 + Math.exp(-clipped));
  }
}
