package org.ctrflow.memnet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import java.util.List;
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
 * becomes M'' = write(M', z_B, h_B), without gradient. Zero "probe" arrays added to q and h_A catch
 * the true gradients ∂L/∂q and ∂L/∂h_A in the same backward. The next step's auxiliary loss fits
 * S_r and S_w to them, ‖Ŝ − g‖² averaged over examples, with g scaled by B so that Ŝ predicts the
 * gradient of one example's own loss (the trainer's loss is the batch mean); fitting one step late
 * keeps the trainer's single backward.
 *
 * <p><b>Fast path</b> ({@link #scoreThenAdapt}, test-then-train's scoring): the fresh batch is
 * scored in parts of {@code fast.batch}; after each part is scored, each chosen controller takes
 * θ_c -= η_fast·(1/n)·Σ_i (∂c_i/∂θ_c)ᵀ Ŝ_c(c_i, y_i), c = q or h, by one backward through the
 * controller alone (plain SGD, outside the trainer's Adam). Later parts are scored by the adapted
 * controllers, which is the point: the model reacts within a micro-batch.
 */
public abstract class MemoryAugmentedBlock extends CtrModelBlock implements TrainingHooks {

  private final NeuralMemory memory;
  private StepState step;
  private SgTargets targets;
  private double lastSgLoss = Double.NaN;

  protected MemoryAugmentedBlock(byte version, CtrModelConfig config, MemnetOptions options) {
    super(version, config);
    memory = addChildBlock("memory", new NeuralMemory(options));
  }

  public NeuralMemory memory() {
    return memory;
  }

  /** The synthetic-gradient training data of the last slow step, or null before the first. */
  SgTargets lastTargets() {
    return targets;
  }

  /** S_φ's fitting loss in the last slow step (NaN before the second step), for monitoring. */
  public double lastSyntheticGradientLoss() {
    return lastSgLoss;
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

  private NDArray trainingHead(ParameterStore store, NDArray e, StepState s) {
    NDManager manager = e.getManager();
    long batch = e.getShape().get(0);
    long half = batch / 2;
    int width = memory.options().width();
    NDArray mem = store.getValue(memory.slots(), e.getDevice(), true);
    s.queryProbe = probe(manager, batch, width);
    NDArray q = memory.query(store, e, true).add(s.queryProbe);
    NDArray y = s.labels;
    NDIndex a = new NDIndex("0:{}", half);
    NDIndex b = new NDIndex("{}:", half);
    NDArray zA = memory.address(q.get(a), mem);
    NDArray yA = y.get(a);
    s.contentProbe = probe(manager, half, width);
    NDArray hA = memory.content(store, e.get(a), yA, true).add(s.contentProbe);
    NDArray written = NeuralMemory.write(mem, zA.stopGradient(), hA);
    NDArray zB = memory.address(q.get(b), written);
    NDArray m = zA.matMul(mem).concat(zB.matMul(written), 0);
    NDArray logits = output(store, e, q, m, true);

    NDArray hB = memory.content(store, e.get(b), y.get(b), true).stopGradient();
    s.nextMemory = NeuralMemory.write(written.stopGradient(), zB.stopGradient(), hB);
    s.query = q.stopGradient();
    s.content = hA.stopGradient();
    s.contentLabels = yA;
    s.auxiliary = targets == null ? null : sgLoss(store, manager, targets);
    return logits;
  }

  private static NDArray probe(NDManager manager, long rows, int width) {
    NDArray probe = manager.zeros(new Shape(rows, width));
    probe.setRequiresGradient(true);
    return probe;
  }

  /** ‖Ŝ_r(q, y) − g_q‖² + ‖Ŝ_w(h, y) − g_h‖², each summed over K and averaged over examples. */
  private NDArray sgLoss(ParameterStore store, NDManager manager, SgTargets t) {
    NDArray readError =
        memory
            .readSyntheticGradient(store, t.query(manager), t.queryLabels(manager), true)
            .sub(t.queryGradient(manager));
    NDArray writeError =
        memory
            .writeSyntheticGradient(store, t.content(manager), t.contentLabels(manager), true)
            .sub(t.contentGradient(manager));
    return readError
        .square()
        .sum(new int[] {1})
        .mean()
        .add(writeError.square().sum(new int[] {1}).mean());
  }

  @Override
  public void beginStep(NDArray labels) {
    step = new StepState(labels);
  }

  @Override
  public NDArray auxiliaryLoss() {
    return step == null ? null : step.auxiliary;
  }

  @Override
  public void endStep() {
    StepState s = step;
    step = null;
    if (s == null || s.nextMemory == null) {
      return;
    }
    if (s.auxiliary != null) {
      lastSgLoss = s.auxiliary.getFloat();
    }
    long batch = s.labels.getShape().get(0);
    targets =
        SgTargets.of(
            s.query,
            s.labels,
            s.queryProbe.getGradient(),
            s.content,
            s.contentLabels,
            s.contentProbe.getGradient(),
            batch);
    // After the backward: M is no longer saved for it, so it may change in place.
    memory.slots().getArray().set(s.nextMemory.toFloatArray());
  }

  @Override
  public NDArray scoreThenAdapt(NDArray indices, NDArray labels) {
    MemnetOptions o = memory.options();
    if (!o.fast() || o.fastLearningRate() == 0f) {
      return predict(indices);
    }
    long batch = indices.getShape().get(0);
    NDArray[] parts = new NDArray[(int) ((batch + o.fastBatch() - 1) / o.fastBatch())];
    for (int i = 0; i < parts.length; i++) {
      NDIndex range =
          new NDIndex(
              "{}:{}", (long) i * o.fastBatch(), Math.min(batch, (long) (i + 1) * o.fastBatch()));
      NDArray x = indices.get(range);
      parts[i] = predict(x);
      fastUpdate(x, labels.get(range));
    }
    return parts.length == 1 ? parts[0] : NDArrays.concat(new NDList(parts), 0);
  }

  /**
   * One fast update on n labelled examples: θ_c -= η_fast·(1/n)·Σ_i (∂c_i/∂θ_c)ᵀ Ŝ_c for the chosen
   * controllers; nothing else changes (not the memory, not S_φ, not the embeddings). Public for the
   * speed benchmark.
   *
   * @param indices (n, F)
   * @param labels (n, 1)
   */
  public void fastUpdate(NDArray indices, NDArray labels) {
    MemnetOptions o = memory.options();
    NDManager manager = indices.getManager();
    ParameterStore store = new ParameterStore(manager, false);
    List<Parameter> controllers = memory.controllerParameters(o.fastRead(), o.fastWrite());
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray e = embed(indices);
      NDArray invN = manager.full(new Shape(), 1f / indices.getShape().get(0));
      NDArray surrogate = manager.zeros(new Shape());
      if (o.fastRead()) {
        NDArray q = memory.query(store, e, false);
        NDArray g = memory.readSyntheticGradient(store, q, labels, false).stopGradient();
        surrogate = surrogate.add(q.mul(g).sum());
      }
      if (o.fastWrite()) {
        NDArray h = memory.content(store, e, labels, false);
        NDArray g = memory.writeSyntheticGradient(store, h, labels, false).stopGradient();
        surrogate = surrogate.add(h.mul(g).sum());
      }
      collector.backward(surrogate.mul(invN));
    }
    for (Parameter p : controllers) {
      NDArray w = p.getArray();
      NDArray g = w.getGradient();
      g.attach(manager);
      w.subi(g.mul(o.fastLearningRate()));
      // PyTorch accumulates into .grad; the trainer's next step must not see the fast gradient.
      g.subi(g);
    }
  }

  /** The embeddings e (n, F·d) of {@code indices}, outside any graph. */
  private NDArray embed(NDArray indices) {
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
    NDArray queryProbe;
    NDArray contentProbe;
    NDArray query;
    NDArray content;
    NDArray contentLabels;
    NDArray nextMemory;
    NDArray auxiliary;

    StepState(NDArray labels) {
      this.labels = labels;
    }
  }
}
