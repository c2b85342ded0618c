package org.ctrflow.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Adam for the dense parameters and a row-sparse ("lazy") Adam for the embedding table, as TF's
 * {@code LazyAdam}: a step reads, updates and writes back the moments of the rows its batch touched
 * only, and bias-corrects with the global step count. Rows a step does not touch keep their weights
 * and moments bit for bit (dense Adam would still move them with their decaying momentum), so a
 * step costs O(batch), not O(table).
 *
 * <p>Update, with t the global step: {@code m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -=
 * lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε)}, the form DJL's and TF's Adam use.
 *
 * <p>All scalars here are plain numbers: this runs outside the gradient collector, where DJL's
 * {@code mul(Number)} is safe. Temporaries go to the caller's per-step manager. Not thread-safe.
 */
final class LazyAdam implements AutoCloseable {

  private final NDManager state;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final Map<Parameter, NDArray[]> denseMoments = new IdentityHashMap<>();
  private final NDArray tableMean;
  private final NDArray tableVariance;
  private long step;

  /**
   * @param table the embedding table (numRows, d)
   * @param dense the dense parameters; all moments are allocated here, zero
   */
  LazyAdam(
      NDManager parent,
      NDArray table,
      List<Parameter> dense,
      float beta1,
      float beta2,
      float epsilon) {
    this.state = parent.newSubManager();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    tableMean = state.zeros(table.getShape());
    tableVariance = state.zeros(table.getShape());
    for (Parameter p : dense) {
      Shape shape = p.getArray().getShape();
      denseMoments.put(p, new NDArray[] {state.zeros(shape), state.zeros(shape)});
    }
  }

  /** Starts step t + 1; call once per training step, before its updates. */
  void nextStep() {
    step++;
  }

  long step() {
    return step;
  }

  /** Sets the step count, when restoring a trainer's state. */
  void setStep(long step) {
    this.step = step;
  }

  /** A dense parameter's first and second moments (live arrays, same shape as it). */
  NDArray[] moments(Parameter parameter) {
    NDArray[] moments = denseMoments.get(parameter);
    if (moments == null) {
      throw new IllegalArgumentException("not a dense parameter: " + parameter.getName());
    }
    return moments;
  }

  /** The embedding table's first and second moments (live arrays, (numRows, d)). */
  NDArray[] tableMoments() {
    return new NDArray[] {tableMean, tableVariance};
  }

  /** Updates a dense parameter in place with its (already clipped) gradient. */
  void updateDense(Parameter parameter, NDArray gradient, float learningRate, NDManager tmp) {
    NDArray[] moments = moments(parameter);
    NDArray weight = parameter.getArray();
    weight.subi(moved(moments[0], moments[1], gradient, tmp).muli(correctedRate(learningRate)));
  }

  /**
   * Updates the rows {@code rowIds} of {@code table} in place.
   *
   * @param rowIds (U) int64, distinct rows
   * @param rows their current values (U, d)
   * @param gradient their (already clipped) gradient (U, d)
   */
  void updateRows(
      NDArray table,
      NDArray rowIds,
      NDArray rows,
      NDArray gradient,
      float learningRate,
      NDManager tmp) {
    NDIndex index = new NDIndex("{}", rowIds);
    NDArray mean = tmp(tableMean.get(index), tmp);
    NDArray variance = tmp(tableVariance.get(index), tmp);
    NDArray delta = moved(mean, variance, gradient, tmp).muli(correctedRate(learningRate));
    tableMean.set(index, mean);
    tableVariance.set(index, variance);
    table.set(index, rows.sub(delta));
  }

  /** Advances m and v in place; returns m / (sqrt(v) + ε) on {@code tmp}. */
  private NDArray moved(NDArray mean, NDArray variance, NDArray gradient, NDManager tmp) {
    mean.muli(beta1).addi(gradient.mul(1f - beta1));
    variance.muli(beta2).addi(gradient.square().muli(1f - beta2));
    NDArray denominator = tmp(variance.sqrt(), tmp).addi(epsilon);
    return tmp(mean.div(denominator), tmp);
  }

  /** The L2 norm of all first moments (dense and table); after step 1 it is (1-β1)·‖g‖. */
  double firstMomentNorm() {
    try (NDManager tmp = state.newSubManager()) {
      double squares = tmp(tableMean.square(), tmp).sum().getFloat();
      for (NDArray[] moments : denseMoments.values()) {
        squares += tmp(moments[0].square(), tmp).sum().getFloat();
      }
      return Math.sqrt(squares);
    }
  }

  private float correctedRate(float learningRate) {
    double correction = Math.sqrt(1 - Math.pow(beta2, step)) / (1 - Math.pow(beta1, step));
    return (float) (learningRate * correction);
  }

  /** Ops on long-lived arrays attach their results to the long-lived manager; move them. */
  private static NDArray tmp(NDArray array, NDManager tmp) {
    array.attach(tmp);
    return array;
  }

  @Override
  public void close() {
    state.close();
  }
}
