package org.ctrflow.models.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.snapshot.SnapshotFormatException;
import org.ctrflow.models.snapshot.TrainerState;

/**
 * Trains a CTR model online, one micro-batch at a time, test-then-train: {@link #scoreThenTrain}
 * scores a batch with the current model, then learns from it.
 *
 * <p>A step gathers the batch's distinct embedding rows into a small leaf array, runs the model on
 * it (via {@link RowParameterStore}), and updates those rows with {@link LazyAdam}: the embedding
 * table never gets a dense gradient, so a step costs O(batch), not O(table). The dense parameters
 * use Adam. Before the update, the global L2 norm of all gradients (dense and touched rows, which
 * is the norm of the full gradient) is clipped to {@link TrainerConfig#clipNorm()}.
 *
 * <p>Loss: {@code (1/B)·Σ w_i·bce(z_i, y_i)}, the mean over the batch of importance-weighted
 * sigmoid-BCE. Normalising by B, not by Σw, keeps the gradient proportional to each weight: an
 * example of weight 2 pulls exactly as hard as the same example counted twice in the sum, and all
 * weights 1 is the plain mean. The embedding penalty (λ/2)·‖e_r‖² is added for the touched rows
 * only (as the gradient {@code λ·e_r}), not for the whole table as {@code CtrLoss} and FuxiCTR do:
 * the whole-table penalty would make every step O(table) again, and online each row is penalised
 * when it is used, which regularises frequent rows as often as they learn.
 *
 * <p>A block that implements {@link TrainingHooks} (the memory networks) gets the labels before the
 * training forward, adds its auxiliary loss to the objective, is told when the step's update is
 * done, and scores test-then-train batches itself (so it can adapt between parts of a batch).
 *
 * <p>DJL allows one active gradient collector per JVM: training steps of all trainers in a JVM take
 * one lock. Use an instance from one thread.
 */
public final class OnlineTrainer implements AutoCloseable {

  private static final ReentrantLock GRADIENT_COLLECTOR = new ReentrantLock();

  private final TrainerConfig config;
  private final NDManager manager;
  private final CtrModelBlock block;
  private final Parameter table;
  private final List<Parameter> dense = new ArrayList<>();
  private final LazyAdam adam;
  private final TouchedRows touched = new TouchedRows();
  private final int fields;
  private final BatchInputs inputs;
  private final ReplayBuffer replay;
  private final TrainingHooks hooks;
  private float learningRateScale = 1f;
  private double lastGradientNorm = Double.NaN;

  /**
   * Builds and initialises the model on a manager this trainer owns. Seeds the engine's (global)
   * random numbers with {@link TrainerConfig#seed()}, so that runs repeat. The model config's
   * {@code embeddingL2} is {@code CtrLoss}'s; this trainer applies {@link
   * TrainerConfig#embeddingL2()} to touched rows instead.
   */
  public OnlineTrainer(CtrModelConfig modelConfig, TrainerConfig config) {
    this.config = config;
    Engine.getInstance().setRandomSeed((int) config.seed());
    manager = NDManager.newBaseManager();
    block = CtrModels.createInitialized(modelConfig, manager);
    fields = modelConfig.numFields();
    inputs = new BatchInputs(fields, modelConfig.numRows());
    Parameter embedding = null;
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue().getName().equals("embedding")) {
        embedding = p.getValue();
      } else if (p.getValue().requiresGradient()) {
        dense.add(p.getValue());
      }
    }
    table = embedding;
    hooks = block instanceof TrainingHooks h ? h : null;
    replay =
        config.replaySize() == 0
            ? null
            : new ReplayBuffer(fields, config.replaySize(), config.replayRatio(), config.seed());
    // The table is read through a gathered leaf; it must never get a (dense) gradient itself.
    table.getArray().setRequiresGradient(false);
    adam =
        new LazyAdam(
            manager, table.getArray(), dense, config.beta1(), config.beta2(), config.epsilon());
  }

  public TrainerConfig config() {
    return config;
  }

  public CtrModelBlock block() {
    return block;
  }

  /** Training steps taken. */
  public long steps() {
    return adam.step();
  }

  /** Multiplies both configured learning rates from now on (offline LR decay). */
  public void setLearningRateScale(float scale) {
    learningRateScale = scale;
  }

  public float learningRateScale() {
    return learningRateScale;
  }

  /** The global gradient norm of the last step, before clipping. */
  public double lastGradientNorm() {
    return lastGradientNorm;
  }

  /** The optimizer's first-moment norm, for tests of clipping. */
  double firstMomentNorm() {
    return adam.firstMomentNorm();
  }

  /** The embedding rows changed since the last {@link #clearTouched()}: a delta's rows. */
  public BitSet touchedRowsSinceClear() {
    return touched.snapshot();
  }

  public void clearTouched() {
    touched.clear();
  }

  /** The live touched-rows set, for a publisher that drains it atomically. */
  public TouchedRows touchedRows() {
    return touched;
  }

  /**
   * Click probabilities in inference mode.
   *
   * @param rows {@code batchSize × F} embedding rows, row-major
   */
  public double[] predict(long[] rows, int batchSize) {
    inputs.checkRows(rows, batchSize);
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(rows, new Shape(batchSize, fields));
      float[] p = block.predict(x).toFloatArray();
      double[] scores = new double[batchSize];
      for (int i = 0; i < batchSize; i++) {
        scores[i] = p[i];
      }
      return scores;
    }
  }

  /**
   * Test-then-train: scores the batch with the current model, then takes one training step on it
   * (with {@link TrainerConfig#replaySize()} > 0, on it plus examples replayed from earlier
   * batches, see {@link ReplayBuffer}).
   *
   * @param labels 0 or 1 (any value in [0, 1] works as a soft label)
   * @param weights importance weights, >= 0; {@code null} for all 1
   * @return the scores from before the step, one per example
   */
  public double[] scoreThenTrain(long[] rows, int batchSize, float[] labels, float[] weights) {
    double[] scores = hooks == null ? predict(rows, batchSize) : adapt(rows, batchSize, labels);
    if (replay == null) {
      train(rows, batchSize, labels, weights);
    } else {
      float[] w = weights == null ? BatchInputs.ones(batchSize) : weights;
      BatchInputs.checkTargets(labels, w, batchSize);
      MicroBatcher.Batch mixed = replay.mix(rows, batchSize, labels, w);
      train(mixed.rows(), mixed.size(), mixed.labels(), mixed.weights());
    }
    return scores;
  }

  /** Scores through {@link TrainingHooks#scoreThenAdapt}, which may train (hence the lock). */
  private double[] adapt(long[] rows, int batchSize, float[] labels) {
    inputs.checkRows(rows, batchSize);
    BatchInputs.checkTargets(labels, BatchInputs.ones(batchSize), batchSize);
    GRADIENT_COLLECTOR.lock();
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(rows, new Shape(batchSize, fields));
      NDArray y = step.create(labels, new Shape(batchSize, 1));
      float[] p = hooks.scoreThenAdapt(x, y).toFloatArray();
      double[] scores = new double[batchSize];
      for (int i = 0; i < batchSize; i++) {
        scores[i] = p[i];
      }
      return scores;
    } finally {
      GRADIENT_COLLECTOR.unlock();
    }
  }

  /**
   * One training step.
   *
   * @return the batch's weighted BCE before the step
   */
  public double train(long[] rows, int batchSize, float[] labels, float[] weights) {
    inputs.checkRows(rows, batchSize);
    float[] w = weights == null ? BatchInputs.ones(batchSize) : weights;
    BatchInputs.checkTargets(labels, w, batchSize);
    GRADIENT_COLLECTOR.lock();
    try (NDManager step = manager.newSubManager()) {
      long[] distinct = new long[rows.length];
      long[] local = new long[rows.length];
      int count = inputs.indexRows(rows, distinct, local);
      NDArray rowIds = step.create(Arrays.copyOf(distinct, count));
      NDArray leaf = table.getArray().get(new NDIndex("{}", rowIds));
      leaf.attach(step);
      leaf.setRequiresGradient(true);
      NDArray x = step.create(local, new Shape(batchSize, fields));
      NDArray y = step.create(labels, new Shape(batchSize, 1));
      NDArray iw = step.create(w, new Shape(batchSize, 1));
      double loss;
      if (hooks != null) {
        hooks.beginStep(y);
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logits =
            block.forward(new RowParameterStore(step, table, leaf), new NDList(x), true).head();
        // Stable BCE on logits: softplus(z) - y·z; the mean divides by B (see the class notes).
        // No scalar operands here: under autograd DJL's mul(Number) corrupts gradients.
        NDArray bce = Activation.softPlus(logits).sub(logits.mul(y));
        NDArray objective = bce.mul(iw).mean();
        NDArray auxiliary = hooks == null ? null : hooks.auxiliaryLoss();
        collector.backward(auxiliary == null ? objective : objective.add(auxiliary));
        loss = objective.getFloat();
      }
      apply(step, rowIds, leaf);
      if (hooks != null) {
        hooks.endStep();
      }
      touched.mark(distinct, count);
      inputs.forget(distinct, count);
      return loss;
    } finally {
      GRADIENT_COLLECTOR.unlock();
    }
  }

  /** Regularises, clips and applies the gradients of the dense parameters and touched rows. */
  private void apply(NDManager step, NDArray rowIds, NDArray leaf) {
    NDArray rowGradient = leaf.getGradient();
    rowGradient.attach(step);
    if (config.embeddingL2() > 0f) {
      rowGradient = rowGradient.add(leaf.mul(config.embeddingL2()));
    }
    List<NDArray> gradients = new ArrayList<>(dense.size());
    List<NDArray> accumulators = new ArrayList<>(dense.size());
    for (Parameter p : dense) {
      NDArray g = p.getArray().getGradient();
      g.attach(step);
      accumulators.add(g);
      if (config.weightDecay() > 0f) {
        NDArray decay = p.getArray().mul(config.weightDecay());
        decay.attach(step);
        g = g.add(decay);
      }
      gradients.add(g);
    }
    NDArray squares = rowGradient.square().sum();
    for (NDArray g : gradients) {
      squares = squares.add(g.square().sum());
    }
    lastGradientNorm = Math.sqrt(squares.getFloat());
    float scale = 1f;
    if (config.clipNorm() > 0f && lastGradientNorm > config.clipNorm()) {
      scale = (float) (config.clipNorm() / (lastGradientNorm + 1e-6));
    }
    adam.nextStep();
    float lr = config.learningRate() * learningRateScale;
    for (int i = 0; i < dense.size(); i++) {
      adam.updateDense(dense.get(i), scaled(gradients.get(i), scale), lr, step);
    }
    float embeddingLr = config.embeddingLearningRate() * learningRateScale;
    adam.updateRows(table.getArray(), rowIds, leaf, scaled(rowGradient, scale), embeddingLr, step);
    // PyTorch accumulates into .grad and DJL's collector does not reset it (its Trainer does, in
    // step()): zero the dense gradients in place for the next step. The leaf is new every step.
    for (NDArray g : accumulators) {
      g.subi(g);
    }
  }

  private static NDArray scaled(NDArray gradient, float scale) {
    return scale == 1f ? gradient : gradient.mul(scale);
  }

  /** The model's parameters (not the optimizer's moments), e.g. to restore the best epoch. */
  public byte[] saveWeights() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      block.saveParameters(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /** Loads {@link #saveWeights()}'s output; the optimizer's moments stay as they are. */
  public void loadWeights(byte[] weights) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(weights))) {
      block.loadParameters(manager, in);
    } catch (IOException | ai.djl.MalformedModelException e) {
      throw new IllegalStateException("cannot load saved weights: " + e.getMessage(), e);
    }
    table.getArray().setRequiresGradient(false);
    dense.forEach(p -> p.getArray().setRequiresGradient(true));
  }

  /**
   * Everything needed to continue training exactly here, e.g. in a Flink checkpoint: all weights
   * (batch-norm running statistics included), Adam's moments of the dense parameters and of the
   * whole embedding table, the step count, the learning-rate scale and the touched-row set. The
   * format is {@link TrainerState}'s (versioned, checksummed). Not included: the replay buffer
   * (replay restarts empty) and the engine's random state (dropout masks differ after a restore).
   * Size: about 3 x 4 bytes per model weight (weights and two moments).
   */
  public byte[] saveState() {
    List<TrainerState.Tensor> tensors = new ArrayList<>();
    for (Pair<String, NDArray> a : stateArrays()) {
      NDArray array = a.getValue();
      tensors.add(new TrainerState.Tensor(a.getKey(), array.getShape(), array.toFloatArray()));
    }
    return new TrainerState(
            block.config(), adam.step(), learningRateScale, touched.snapshot(), tensors)
        .write();
  }

  /**
   * Continues from {@link #saveState()}'s output, which must come from a trainer of an equal model
   * config. Checks everything before overwriting anything: a rejected state leaves this trainer as
   * it was.
   *
   * @throws SnapshotFormatException naming the rule the bytes break: bad magic, unknown version,
   *     truncation, checksum mismatch, non-finite value, another model config (MODEL_MISMATCH), or
   *     a missing or reshaped tensor (SHAPE_MISMATCH)
   */
  public void restoreState(byte[] bytes) throws SnapshotFormatException {
    TrainerState state = TrainerState.read(bytes);
    List<Pair<String, NDArray>> arrays = stateArrays();
    List<Pair<String, Shape>> layout = new ArrayList<>();
    arrays.forEach(a -> layout.add(new Pair<>(a.getKey(), a.getValue().getShape())));
    state.checkFits(block.config(), layout);
    for (int i = 0; i < arrays.size(); i++) {
      arrays.get(i).getValue().set(FloatBuffer.wrap(state.tensors().get(i).data()));
    }
    adam.setStep(state.step());
    learningRateScale = state.learningRateScale();
    touched.replace(state.touchedRows());
  }

  /** The arrays of a trainer state, named, in a fixed order: weights, then Adam's moments. */
  private List<Pair<String, NDArray>> stateArrays() {
    List<Pair<String, NDArray>> arrays = new ArrayList<>();
    List<Pair<String, NDArray[]>> moments = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      arrays.add(new Pair<>("weight/" + p.getKey(), parameter.getArray()));
      if (parameter == table) {
        moments.add(new Pair<>(p.getKey(), adam.tableMoments()));
      } else if (dense.contains(parameter)) {
        moments.add(new Pair<>(p.getKey(), adam.moments(parameter)));
      }
    }
    for (Pair<String, NDArray[]> m : moments) {
      arrays.add(new Pair<>("adam.mean/" + m.getKey(), m.getValue()[0]));
      arrays.add(new Pair<>("adam.variance/" + m.getKey(), m.getValue()[1]));
    }
    return arrays;
  }

  @Override
  public void close() {
    adam.close();
    manager.close();
  }
}
