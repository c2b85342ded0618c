package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import java.util.List;
import java.util.Map;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.training.TrainingHooks;

/**
 * A CTR model that reads a {@link NeuralMemory} and learns fast and slow (Fernando et al. 2020,
 * "Fast &amp; Slow Learning: Incorporating Synthetic Gradients in Neural Memory Controllers"). A
 * subclass decides how the read m and query q become a logit ({@link #output}).
 *
 * <p><b>Inference</b> (scoring, serving): q = f_r(e), z = softmax(q·Mᵀ/τ), m = z·M, logit =
 * output(e, q, m). The memory is only read.
 *
 * <p><b>Slow path</b> (the trainer's step on a micro-batch, true back-propagation). The paper
 * processes a sequence; a micro-batch of a click stream is one too, so the step splits it into its
 * first half A and second half B: A reads M; A's write controller writes h_A = f_w([e_A; y_A]) into
 * M (rule in {@link NeuralMemory#write}), giving M'; B reads M'. The loss of B thus reaches f_w
 * through M', which is how the write controller learns (truncated back-propagation over one write;
 * choice of ours, the paper back-propagates through its sequence). After the update the memory
 * becomes M'' = write(M', z_B, h_B), without gradient. With fast learning of the write controller,
 * the fast path's {@link WriteGradientProbe} on h_A catches ∂L/∂h_A in the same backward.
 *
 * <p><b>Fast path</b> ({@link #scoreThenAdapt}, test-then-train's scoring, with {@code
 * fast.enabled}): see {@link FastPath}. The synthetic-gradient modules are trained there, never by
 * the trainer ({@link #ownParameters()}).
 */
public abstract class MemoryAugmentedBlock extends CtrModelBlock implements TrainingHooks {

  private final NeuralMemory memory;
  private final FastPath fast;
  private StepState step;

  protected MemoryAugmentedBlock(byte version, CtrModelConfig config, MemnetOptions options) {
    super(version, config);
    memory = addChildBlock("memory", new NeuralMemory(options));
    fast = new FastPath(this, memory);
  }

  public NeuralMemory memory() {
    return memory;
  }

  /**
   * The logit from the embeddings and the memory read.
   *
   * @param e (B, F·d)
   * @param q (B, K) the query
   * @param m (B, K) the read
   * @return (B, 1)
   */
  protected abstract NDArray output(
      ParameterStore store, NDArray e, NDArray q, NDArray m, boolean training);

  /** Initialises the blocks of {@link #output} for e (B, F·d) and q, m (B, K). */
  protected abstract void initializeOutput(
      NDManager manager, DataType dataType, Shape embeddings, Shape read);

  @Override
  protected final NDArray head(ParameterStore store, NDArray e, boolean training) {
    if (!training || step == null || e.getShape().get(0) < 2) {
      NDList read = memory.forward(store, new NDList(e), training);
      return output(store, e, read.get(0), read.get(1), training);
    }
    return trainingHead(store, e, step);
  }

  /** The inference logit for embeddings e and a given query q (the fast path's gradient). */
  NDArray readLogits(ParameterStore store, NDArray e, NDArray q) {
    NDArray mem = store.getValue(memory.slots(), e.getDevice(), false);
    return output(store, e, q, memory.address(q, mem).matMul(mem), false);
  }

  private NDArray trainingHead(ParameterStore store, NDArray e, StepState s) {
    NDManager manager = e.getManager();
    long batch = e.getShape().get(0);
    long half = batch / 2;
    NDArray mem = store.getValue(memory.slots(), e.getDevice(), true);
    NDArray q = memory.query(store, e, true);
    NDArray y = s.labels;
    NDIndex a = new NDIndex("0:{}", half);
    NDIndex b = new NDIndex("{}:", half);
    NDArray zA = memory.address(q.get(a), mem);
    NDArray yA = y.get(a);
    NDArray hA = fast.writeProbe().attach(manager, memory.content(store, e.get(a), yA, true), yA);
    NDArray written = NeuralMemory.write(mem, zA.stopGradient(), hA);
    NDArray zB = memory.address(q.get(b), written);
    NDArray m = zA.matMul(mem).concat(zB.matMul(written), 0);
    NDArray logits = output(store, e, q, m, true);

    NDArray hB = memory.content(store, e.get(b), y.get(b), true).stopGradient();
    s.nextMemory = NeuralMemory.write(written.stopGradient(), zB.stopGradient(), hB);
    return logits;
  }

  @Override
  public void beginStep(NDArray labels) {
    step = new StepState(labels);
    fast.writeProbe().clear();
    fast.beforeSlowStep();
  }

  @Override
  public void endStep() {
    StepState s = step;
    step = null;
    if (s != null && s.nextMemory != null) {
      fast.writeProbe().fit(s.labels);
      // After the backward: M is no longer saved for it, so it may change in place.
      memory.slots().getArray().set(s.nextMemory.toFloatArray());
    }
    fast.afterSlowStep();
  }

  @Override
  public NDArray scoreThenAdapt(NDArray indices, NDArray labels) {
    return memory.options().fast() ? fast.scoreThenAdapt(indices, labels) : predict(indices);
  }

  @Override
  public List<Parameter> ownParameters() {
    return fast.ownParameters();
  }

  @Override
  public Map<String, Double> diagnostics() {
    return memory.options().fast() ? fast.diagnostics() : Map.of();
  }

  /**
   * One fast update on n labelled examples, outside scoring (see {@link FastPath}). Public for the
   * speed benchmark.
   *
   * @param indices (n, F)
   * @param labels (n, 1)
   */
  public void fastUpdate(NDArray indices, NDArray labels) {
    fast.adapt(indices, labels);
  }

  /** The embeddings e (n, F·d) of {@code indices}, outside any graph. */
  NDArray embed(NDArray indices) {
    NDArray table = embeddingTable().getArray();
    NDArray perField =
        indices.getNDArrayInternal().embedding(indices, table, SparseFormat.DENSE).head();
    return perField.reshape(indices.getShape().get(0), -1).stopGradient();
  }

  @Override
  protected final void initializeHead(NDManager manager, DataType dataType, Shape embeddings) {
    memory.initialize(manager, dataType, embeddings);
    initializeOutput(
        manager, dataType, embeddings, new Shape(embeddings.get(0), memory.options().width()));
  }

  /** What a training step keeps between its forward and {@link #endStep()}. */
  private static final class StepState {
    final NDArray labels;
    NDArray nextMemory;

    StepState(NDArray labels) {
      this.labels = labels;
    }
  }
}
