package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.models.blocks.MlpStack;

/**
 * The memory and its four small networks: read controller f_r, write controller f_w, and one
 * synthetic-gradient module S_φ per controller. No batch norm and no dropout in any of them, so the
 * fast path's forward (inference mode) computes the same function as the slow path's.
 *
 * <p>With {@code controller.norm}, q and h are normalised per example (zero mean, unit variance
 * over K): their scale no longer follows the controllers' weights, so the steepness of the loss in
 * q, and with it the synthetic gradients' scale, stays put, and a fast step's size relative to q is
 * meaningful.
 *
 * <ul>
 *   <li>memory M: parameter {@code slots} of shape (L, K). It is model state, not a trained weight
 *       (requiresGradient false, so the trainer's optimizer never sees it): {@link #write} produces
 *       the next M and the caller stores it. Snapshots and deltas carry it like every parameter.
 *   <li>f_r: e (B, F·d) -> q (B, K); f_w: [e; y] (B, F·d + 1) -> h (B, K)
 *   <li>S_r: [q; y] (B, K + 1) -> Ŝ (B, K); S_w: [h; y] -> Ŝ (B, K), last layer zero as in DNI, so
 *       the fast path does nothing until S_φ has been fitted. Without {@code sg.label} the y column
 *       is zero.
 * </ul>
 */
public final class NeuralMemory extends AbstractBlock {

  private static final byte VERSION = 1;

  private final MemnetOptions options;
  private final MlpStack read;
  private final MlpStack write;
  private final MlpStack readSg;
  private final MlpStack writeSg;
  private final Parameter slots;

  public NeuralMemory(MemnetOptions options) {
    super(VERSION);
    this.options = options;
    read = addChildBlock("read", mlp(options.controllerUnits(), options.width(), false));
    write = addChildBlock("write", mlp(options.controllerUnits(), options.width(), false));
    readSg = addChildBlock("readSg", mlp(options.sgUnits(), options.width(), true));
    writeSg = addChildBlock("writeSg", mlp(options.sgUnits(), options.width(), true));
    slots =
        addParameter(
            Parameter.builder()
                .setName("slots")
                .setType(Parameter.Type.OTHER)
                .optShape(new Shape(options.slots(), options.width()))
                .optInitializer(new NormalInitializer(0.1f))
                .optRequiresGrad(false)
                .build());
  }

  private static MlpStack mlp(List<Integer> hidden, int out, boolean zeroLast) {
    MlpStack mlp = MlpStack.builder().setHiddenUnits(hidden).optOutputUnits(out).build();
    if (zeroLast) {
      Block last = mlp.getChildren().get(mlp.getChildren().size() - 1).getValue();
      last.setInitializer(Initializer.ZEROS, p -> true);
    }
    return mlp;
  }

  public MemnetOptions options() {
    return options;
  }

  /** M, (L, K). */
  public Parameter slots() {
    return slots;
  }

  /** The parameters of f_r and/or f_w, the ones a fast update changes. */
  public List<Parameter> controllerParameters(boolean readController, boolean writeController) {
    List<Parameter> parameters = new ArrayList<>();
    if (readController) {
      read.getParameters().values().forEach(parameters::add);
    }
    if (writeController) {
      write.getParameters().values().forEach(parameters::add);
    }
    return parameters;
  }

  /** The parameters of S_r or S_w, which the fast path fits with its own optimizer. */
  List<Parameter> syntheticGradientParameters(boolean readController) {
    List<Parameter> parameters = new ArrayList<>();
    (readController ? readSg : writeSg).getParameters().values().forEach(parameters::add);
    return parameters;
  }

  /** q = f_r(e), (B, K), normalised per example with {@code controller.norm}. */
  NDArray query(ParameterStore store, NDArray e, boolean training) {
    return normalised(read.forward(store, new NDList(e), training).singletonOrThrow());
  }

  /** h = f_w([e; y]), (B, K), normalised per example with {@code controller.norm}. */
  NDArray content(ParameterStore store, NDArray e, NDArray y, boolean training) {
    return normalised(
        write.forward(store, new NDList(e.concat(y, 1)), training).singletonOrThrow());
  }

  /** (x − mean) / sqrt(var + 1e-5) over each row, without learnt scale or shift. */
  private NDArray normalised(NDArray x) {
    if (!options.controllerNorm()) {
      return x;
    }
    // No scalar operands: under autograd DJL's Number overloads corrupt gradients.
    NDArray centred = x.sub(x.mean(new int[] {1}, true));
    NDArray epsilon = x.getManager().full(new Shape(), 1e-5f);
    return centred.div(centred.square().mean(new int[] {1}, true).add(epsilon).sqrt());
  }

  /** Ŝ_r(q, y), (B, K); q and y are detached here, so fitting S_φ never moves f_r. */
  NDArray readSyntheticGradient(ParameterStore store, NDArray q, NDArray y, boolean training) {
    return readSg.forward(store, new NDList(sgInput(q, y)), training).singletonOrThrow();
  }

  /** Ŝ_w(h, y), (B, K), as {@link #readSyntheticGradient}. */
  NDArray writeSyntheticGradient(ParameterStore store, NDArray h, NDArray y, boolean training) {
    return writeSg.forward(store, new NDList(sgInput(h, y)), training).singletonOrThrow();
  }

  private NDArray sgInput(NDArray out, NDArray y) {
    NDArray label = options.sgLabel() ? y.stopGradient() : y.zerosLike();
    return out.stopGradient().concat(label, 1);
  }

  /**
   * Content addressing z = softmax(q·Mᵀ/τ); with {@code memory.top-k} = k the softmax runs over
   * each example's k best-scoring slots and the others get weight 0, so reads and writes touch k
   * slots (ties at the k-th score may admit a few more). Gradients flow through the kept scores.
   *
   * @param q (B, K)
   * @param memory (L, K)
   * @return (B, L), rows sum to 1
   */
  NDArray address(NDArray q, NDArray memory) {
    NDManager manager = q.getManager();
    // No scalar operand: under autograd DJL's div(Number) corrupts gradients (see CtrModelBlock).
    NDArray inverseTau = manager.full(new Shape(), 1f / options.temperature());
    NDArray scores = q.matMul(memory.transpose()).mul(inverseTau);
    int k = options.topK();
    if (k > 0 && k < scores.getShape().get(1)) {
      NDArray kth = scores.stopGradient().topK(k, 1).get(0).min(new int[] {1}, true);
      NDArray excluded =
          manager.full(scores.getShape(), Float.NEGATIVE_INFINITY, scores.getDataType());
      scores = NDArrays.where(scores.gte(kth), scores, excluded);
    }
    return scores.softmax(1);
  }

  /**
   * The write rule for a batch of n examples, M' = M ⊙ (1 − z̄1ᵀ) + (1/n)·Zᵀ·H with z̄ the mean
   * addressing: per example it is the rule M ⊙ (1 − z1ᵀ) + z·hᵀ, averaged over the batch, so every
   * slot stays a convex combination of its old value and the contents addressed to it (weights 1 −
   * z̄_l and z̄_l) however large the batch.
   *
   * @param memory (L, K)
   * @param z (n, L) addressing of the writing examples (the caller detaches it: f_r learns from
   *     reads only)
   * @param h (n, K) contents
   * @return M' (L, K), in h's graph when h is
   */
  static NDArray write(NDArray memory, NDArray z, NDArray h) {
    NDManager manager = h.getManager();
    NDArray invN = manager.full(new Shape(), 1f / z.getShape().get(0));
    NDArray keep =
        manager.ones(new Shape(z.getShape().get(1), 1)).sub(z.mean(new int[] {0}).reshape(-1, 1));
    return memory.mul(keep).add(z.transpose().matMul(h).mul(invN));
  }

  /** The inference read: inputs e (B, F·d); outputs q (B, K) and m = z·M (B, K). */
  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray e = inputs.singletonOrThrow();
    NDArray q = query(parameterStore, e, training);
    NDArray memory = parameterStore.getValue(slots, e.getDevice(), training);
    return new NDList(q, address(q, memory).matMul(memory));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    Shape out = new Shape(inputShapes[0].get(0), options.width());
    return new Shape[] {out, out};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    long batch = inputShapes[0].get(0);
    read.initialize(manager, dataType, inputShapes[0]);
    write.initialize(manager, dataType, new Shape(batch, inputShapes[0].get(1) + 1));
    Shape sgIn = new Shape(batch, options.width() + 1L);
    readSg.initialize(manager, dataType, sgIn);
    writeSg.initialize(manager, dataType, sgIn);
  }
}
