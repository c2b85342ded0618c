package org.ctrflow.models.training;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * The optimizer of a deep training step: Adam for the dense parameters, and for the embedding table
 * a row-sparse optimizer that reads, updates and writes back the state of the rows its batch
 * touched only. Rows a step does not touch keep their weights and state bit for bit (dense Adam
 * would still move them with their decaying momentum), so a step costs O(batch), not O(table).
 *
 * <p>Adam, with t the global step: {@code m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -=
 * lr·sqrt(1-β2^t)/(1-β1^t) · m / (sqrt(v) + ε)}, the form DJL's and TF's Adam use; for the rows
 * ({@code adam}) as TF's {@code LazyAdam}, bias-corrected with the global step count. AdaGrad
 * ({@code adagrad}) for the rows: {@code n += g²; w −= lr·g / (sqrt(n) + ε)}: each coordinate's
 * step shrinks with its own gradient history only, so a row seen for the first time takes a full
 * step however old the model is, where lazy Adam's shared bias correction and momentum make a new
 * row's first steps small.
 *
 * <p>This runs outside the gradient collector. Temporaries (gathered rows) go to the manager of the
 * row ids, the caller's per-step manager. Not thread-safe.
 */
final class StepOptimizer implements AutoCloseable {

  private final NDManager state;
  private final float beta1;
  private final float beta2;
  private final float epsilon;
  private final boolean adagradRows;
  private final Map<Parameter, NDArray[]> denseMoments = new IdentityHashMap<>();
  private final NDArray tableMean; // null with AdaGrad rows
  private final NDArray tableVariance; // with AdaGrad rows: the squared-gradient sum
  private long step;

  /**
   * @param table the embedding table (numRows, d)
   * @param dense the dense parameters; all moments are allocated here, zero
   * @param rowOptimizer {@code adam} or {@code adagrad} (see {@link TrainerConfig#rowOptimizer()})
   */
  StepOptimizer(
      NDManager parent,
      NDArray table,
      List<Parameter> dense,
      float beta1,
      float beta2,
      float epsilon,
      String rowOptimizer) {
    this.state = parent.newSubManager();
    this.beta1 = beta1;
    this.beta2 = beta2;
    this.epsilon = epsilon;
    adagradRows = rowOptimizer.equals("adagrad");
    tableMean = adagradRows ? null : state.zeros(table.getShape());
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

  /**
   * The embedding table's optimizer state by name (live arrays, (numRows, d)): Adam's {@code
   * adam.mean} and {@code adam.variance}, or AdaGrad's {@code adagrad.n}.
   */
  List<ai.djl.util.Pair<String, NDArray>> tableState() {
    return adagradRows
        ? List.of(new ai.djl.util.Pair<>("adagrad.n", tableVariance))
        : List.of(
            new ai.djl.util.Pair<>("adam.mean", tableMean),
            new ai.djl.util.Pair<>("adam.variance", tableVariance));
  }

  /**
   * Updates a dense parameter in place.
   *
   * @param gradient its gradient, before clipping
   * @param gradientScale the clipping factor applied to the gradient (1 for none)
   */
  void updateDense(Parameter parameter, NDArray gradient, float gradientScale, float learningRate) {
    NDArray[] moments = moments(parameter);
    fused(parameter.getArray(), gradient, moments[0], moments[1], gradientScale, learningRate);
  }

  /**
   * Updates the rows {@code rowIds} of {@code table} in place.
   *
   * @param rowIds (U) int64, distinct rows
   * @param rows their current values (U, d), a gathered copy (overwritten here)
   * @param gradient their gradient (U, d), before clipping
   * @param gradientScale the clipping factor applied to the gradient (1 for none)
   */
  void updateRows(
      NDArray table,
      NDArray rowIds,
      NDArray rows,
      NDArray gradient,
      float gradientScale,
      float learningRate) {
    NDIndex index = new NDIndex("{}", rowIds);
    NDArray values = rows.stopGradient();
    NDArray variance = gatherRows(tableVariance, rowIds);
    if (adagradRows) {
      NDManager manager = rowIds.getManager();
      NDArray g = gradient.mul(manager.full(new Shape(), gradientScale));
      variance.addi(g.square());
      NDArray rate = manager.full(new Shape(), learningRate);
      values.subi(g.mul(rate).div(variance.sqrt().add(manager.full(new Shape(), epsilon))));
    } else {
      NDArray mean = gatherRows(tableMean, rowIds);
      fused(values, gradient, mean, variance, gradientScale, learningRate);
      tableMean.set(index, mean);
    }
    tableVariance.set(index, variance);
    table.set(index, values);
  }

  /**
   * The rows {@code rowIds} (U) of {@code table} (N, d), as a new (U, d) array on rowIds' manager.
   * An embedding lookup (PyTorch's index_select) rather than {@code get(NDIndex)}, whose advanced
   * indexing (aten::index) took several times as long on a 2^20-row table.
   */
  static NDArray gatherRows(NDArray table, NDArray rowIds) {
    return rowIds.getNDArrayInternal().embedding(rowIds, table, SparseFormat.DENSE).head();
  }

  /**
   * One Adam step in place, in one native call (DJL's {@code adamUpdate}, which the PyTorch engine
   * implements in C++): {@code g = scale·gradient; m = β1·m + (1-β1)·g; v = β2·v + (1-β2)·g²; w -=
   * rate·m / (sqrt(v) + ε)} with the bias-corrected rate. Ten separate JNI ops per parameter, each
   * with a temporary, cost more than the arithmetic for most of our parameters.
   */
  private void fused(
      NDArray weight,
      NDArray gradient,
      NDArray mean,
      NDArray variance,
      float gradientScale,
      float learningRate) {
    float rate = correctedRate(learningRate);
    weight
        .getNDArrayInternal()
        .adamUpdate(
            new NDList(weight, gradient, mean, variance),
            new NDList(weight),
            rate,
            rate,
            0f,
            gradientScale,
            -1f, // no element-wise clipping
            beta1,
            beta2,
            epsilon,
            true,
            false);
  }

  /**
   * The L2 norm of all first moments (dense and, with Adam rows, table); after step 1 it is
   * (1-β1)·‖g‖.
   */
  double firstMomentNorm() {
    try (NDManager tmp = state.newSubManager()) {
      double squares = tableMean == null ? 0 : tmp(tableMean.square(), tmp).sum().getFloat();
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
