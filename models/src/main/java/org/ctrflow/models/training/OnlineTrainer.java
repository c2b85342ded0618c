package org.ctrflow.models.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
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
import java.util.Map;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.blocks.HostBuffer;
import org.ctrflow.models.blocks.WideTerms;
import org.ctrflow.models.snapshot.SnapshotFormatException;
import org.ctrflow.models.snapshot.TrainerState;

/**
 * Trains a CTR model online, one micro-batch at a time, test-then-train: {@link #scoreThenTrain}
 * scores a batch with the current model, then learns from it.
 *
 * <p>A model has a deep part, a wide part ({@link WideTerms}) or both; they learn differently:
 *
 * <ul>
 *   <li>The <b>wide terms</b> learn example by example, in stream order ({@link
 *       SequentialLearner}): each example is scored with the weights all earlier examples of the
 *       batch have updated, then updates them, with per-coordinate FTRL-Proximal and AdaGrad rates.
 *       Their logit is added to the deep part's.
 *   <li>The <b>deep part</b> takes back-propagation steps on the scored batch, in parts of {@link
 *       TrainerConfig#updateBatch()} examples, each mixed with replayed ones ({@link
 *       ReplayBuffer}). A step gathers the part's distinct embedding rows into a small leaf array,
 *       runs the model on it (via {@link RowParameterStore}), and updates those rows with the row
 *       optimizer ({@link StepOptimizer}): the embedding table never gets a dense gradient, so a
 *       step costs O(batch), not O(table). The dense parameters use Adam. Before the update, the
 *       global L2 norm of all gradients (dense and touched rows, which is the norm of the full
 *       gradient) is clipped to {@link TrainerConfig#clipNorm()}. The wide terms are a fixed offset
 *       in its forward.
 * </ul>
 *
 * <p>Loss of a deep step: {@code (1/B)·Σ w_i·bce(z_i, y_i)}, the mean over the batch of
 * importance-weighted sigmoid-BCE. Normalising by B, not by Σw, keeps the gradient proportional to
 * each weight: an example of weight 2 pulls exactly as hard as the same example counted twice in
 * the sum, and all weights 1 is the plain mean. The embedding penalty (λ/2)·‖e_r‖² is added for the
 * touched rows only (as the gradient {@code λ·e_r}), not for the whole table as {@code CtrLoss} and
 * FuxiCTR do: the whole-table penalty would make every step O(table) again, and online each row is
 * penalised when it is used, which regularises frequent rows as often as they learn.
 *
 * <p>A block that implements {@link TrainingHooks} (the memory networks) gets the labels before the
 * training forward, is told when the step's update is done, scores test-then-train batches itself
 * (so it can adapt between parts of a batch), and may train parameters of its own.
 *
 * <p>Touched rows, for deltas: one row space over all of {@link CtrModelBlock#rowTables()}, table
 * t's row r at {@link CtrModelBlock#rowTableOffsets()}[t] + r.
 *
 * <p>DJL allows one active gradient collector per JVM: training steps of all trainers in a JVM take
 * one lock. Use an instance from one thread.
 */
public final class OnlineTrainer implements AutoCloseable {

  private final TrainerConfig config;
  private final NDManager manager;
  private final CtrModelBlock block;
  private final DeepLearner deep; // null without a deep part
  private final SequentialLearner sequential; // null without wide terms
  private final TouchedRows touched = new TouchedRows();
  private final int fields;
  private final BatchInputs inputs;
  private final ReplayBuffer replay;
  private final TrainingHooks hooks;
  // Inputs go through one reused direct buffer: fresh direct buffers per step cost page faults.
  private final HostBuffer staging = new HostBuffer();
  private float learningRateScale = 1f;

  /**
   * Builds and initialises the model on a manager this trainer owns. Seeds the engine's (global)
   * random numbers with {@link TrainerConfig#seed()}, so that runs repeat. The model config's
   * {@code embeddingL2} is {@code CtrLoss}'s; this trainer applies {@link
   * TrainerConfig#embeddingL2()} to touched rows instead.
   *
   * @throws IllegalArgumentException for wide terms on a model with {@link TrainingHooks}, whose
   *     scoring is its own
   */
  public OnlineTrainer(CtrModelConfig modelConfig, TrainerConfig config) {
    this.config = config;
    Engine.getInstance().setRandomSeed((int) config.seed());
    manager = NDManager.newBaseManager();
    block = CtrModels.createInitialized(modelConfig, manager);
    fields = modelConfig.numFields();
    inputs = new BatchInputs(fields, modelConfig.numRows());
    hooks = block instanceof TrainingHooks h ? h : null;
    if (hooks != null && block.wide() != null) {
      throw new IllegalArgumentException(
          "model '" + modelConfig.model() + "' scores its batches itself: it takes no wide terms");
    }
    Parameter table = block.embeddingTable();
    List<Parameter> tables = block.rowTables();
    long[] offsets = block.rowTableOffsets();
    List<Long> wideOffsets = new ArrayList<>();
    for (int t = 0; t < tables.size(); t++) {
      if (tables.get(t) != table) {
        wideOffsets.add(offsets[t]);
      }
    }
    sequential =
        block.wide() == null
            ? null
            : new SequentialLearner(block.wide(), config, fields, wideOffsets);
    deep = table == null ? null : new DeepLearner(block, config, manager, inputs, staging, hooks);
    replay =
        config.replaySize() == 0 || deep == null
            ? null
            : new ReplayBuffer(fields, config.replaySize(), config.replayRatio(), config.seed());
  }

  public TrainerConfig config() {
    return config;
  }

  public CtrModelBlock block() {
    return block;
  }

  /** Deep training steps taken (0 for a model without a deep part). */
  public long steps() {
    return deep == null ? 0 : deep.steps();
  }

  /** Multiplies the deep part's learning rates from now on (offline LR decay). */
  public void setLearningRateScale(float scale) {
    learningRateScale = scale;
  }

  public float learningRateScale() {
    return learningRateScale;
  }

  /** The global gradient norm of the last deep step, before clipping (NaN before one). */
  public double lastGradientNorm() {
    return deep == null ? Double.NaN : deep.lastGradientNorm();
  }

  /** The model's own learning figures ({@link TrainingHooks#diagnostics()}); empty for most. */
  public Map<String, Double> diagnostics() {
    return hooks == null ? Map.of() : hooks.diagnostics();
  }

  /** The wide terms' learner, for tests; null without wide terms. */
  SequentialLearner sequentialLearner() {
    return sequential;
  }

  /** The optimizer's first-moment norm, for tests of clipping. */
  double firstMomentNorm() {
    return deep.firstMomentNorm();
  }

  /** Rows of the touched-row space, over all row tables (see the class notes). */
  public long rowSpace() {
    return block.rowSpace();
  }

  /** The rows changed since the last {@link #clearTouched()}: a delta's rows. */
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
      NDArray x = staging.create(step, rows, new Shape(batchSize, fields));
      return toDoubles(block.predict(x).toFloatArray());
    }
  }

  /**
   * Test-then-train: scores the batch, then learns from it: the wide terms example by example (each
   * scored before it is learnt), the deep part in steps of {@link TrainerConfig#updateBatch()}
   * examples (with {@link TrainerConfig#replaySize()} > 0, each plus examples replayed from earlier
   * batches, see {@link ReplayBuffer}).
   *
   * @param labels 0 or 1 (any value in [0, 1] works as a soft label)
   * @param weights importance weights, >= 0; {@code null} for all 1
   * @return the scores from before each example was learnt, one per example
   */
  public double[] scoreThenTrain(long[] rows, int batchSize, float[] labels, float[] weights) {
    inputs.checkRows(rows, batchSize);
    float[] w = weights == null ? BatchInputs.ones(batchSize) : weights;
    BatchInputs.checkTargets(labels, w, batchSize);
    double[] scores;
    if (hooks != null) {
      scores = adapt(rows, batchSize, labels);
    } else if (sequential != null) {
      scores = learnWide(rows, batchSize, labels, w);
    } else {
      scores = predict(rows, batchSize);
    }
    if (deep == null) {
      return scores;
    }
    int part = config.stepExamples(batchSize);
    for (int from = 0; from < batchSize; from += part) {
      int n = Math.min(part, batchSize - from);
      long[] r =
          part == batchSize ? rows : Arrays.copyOfRange(rows, from * fields, (from + n) * fields);
      float[] y = part == batchSize ? labels : Arrays.copyOfRange(labels, from, from + n);
      float[] iw = part == batchSize ? w : Arrays.copyOfRange(w, from, from + n);
      MicroBatcher.Batch b =
          replay == null ? new MicroBatcher.Batch(r, n, y, iw) : replay.mix(r, n, y, iw);
      deep.step(manager, b.rows(), b.size(), b.labels(), b.weights(), learningRateScale, touched);
    }
    return scores;
  }

  /** Scores through {@link TrainingHooks#scoreThenAdapt}, which may train (hence the lock). */
  private double[] adapt(long[] rows, int batchSize, float[] labels) {
    DeepLearner.GRADIENT_COLLECTOR.lock();
    try (NDManager step = manager.newSubManager()) {
      NDArray x = step.create(rows, new Shape(batchSize, fields));
      NDArray y = step.create(labels, new Shape(batchSize, 1));
      return toDoubles(hooks.scoreThenAdapt(x, y).toFloatArray());
    } finally {
      DeepLearner.GRADIENT_COLLECTOR.unlock();
    }
  }

  /**
   * The wide terms' pass over a batch: example by example on top of the deep part's logits, then
   * the changed rows written back into the block.
   *
   * @return the scores, each from before its example was learnt
   */
  private double[] learnWide(long[] rows, int batchSize, float[] labels, float[] weights) {
    try (NDManager step = manager.newSubManager()) {
      float[] logits;
      if (deep != null) {
        NDArray x = staging.create(step, rows, new Shape(batchSize, fields));
        logits = block.deepLogits(x).toFloatArray();
      } else {
        logits = new float[batchSize];
      }
      double[] scores = sequential.scoreThenLearn(rows, batchSize, logits, labels, weights);
      sequential.writeChanged(step, touched);
      return scores;
    }
  }

  /**
   * One training step on a batch, without replay: the wide terms learn it example by example, then
   * the deep part takes one step on it.
   *
   * @return the batch's weighted BCE before the step (of the wide pass's scores for a model without
   *     a deep part)
   */
  public double train(long[] rows, int batchSize, float[] labels, float[] weights) {
    inputs.checkRows(rows, batchSize);
    float[] w = weights == null ? BatchInputs.ones(batchSize) : weights;
    BatchInputs.checkTargets(labels, w, batchSize);
    double[] scores = sequential == null ? null : learnWide(rows, batchSize, labels, w);
    if (deep == null) {
      double loss = 0;
      for (int i = 0; i < batchSize; i++) {
        double p = Math.min(Math.max(scores[i], 1e-7), 1 - 1e-7);
        loss -= w[i] * (labels[i] * Math.log(p) + (1 - labels[i]) * Math.log(1 - p));
      }
      return loss / batchSize;
    }
    return deep.step(manager, rows, batchSize, labels, w, learningRateScale, touched);
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
    if (deep != null) {
      deep.resetGradientFlags();
    }
    if (sequential != null) {
      sequential.reloadWeights();
    }
  }

  /**
   * Everything needed to continue training exactly here, e.g. in a Flink checkpoint: all weights
   * (batch-norm running statistics included), the deep optimizer's state of the dense parameters
   * and of the whole embedding table, the wide terms' per-coordinate state, the step count, the
   * learning-rate scale and the touched-row set. The format is {@link TrainerState}'s (versioned,
   * checksummed). Not included: the replay buffer (replay restarts empty) and the engine's random
   * state (dropout masks differ after a restore). Size: about 3 x 4 bytes per model weight (weights
   * and two moments).
   */
  public byte[] saveState() {
    List<TrainerState.Tensor> tensors = new ArrayList<>();
    for (Pair<String, NDArray> a : stateArrays()) {
      NDArray array = a.getValue();
      tensors.add(new TrainerState.Tensor(a.getKey(), array.getShape(), array.toFloatArray()));
    }
    if (sequential != null) {
      tensors.addAll(sequential.state(this::parameterName));
    }
    return new TrainerState(block.config(), steps(), learningRateScale, touched.snapshot(), tensors)
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
    if (sequential != null) {
      sequential
          .state(this::parameterName)
          .forEach(t -> layout.add(new Pair<>(t.name(), t.shape())));
    }
    state.checkFits(block.config(), layout, rowSpace());
    for (int i = 0; i < arrays.size(); i++) {
      arrays.get(i).getValue().set(FloatBuffer.wrap(state.tensors().get(i).data()));
    }
    if (sequential != null) {
      sequential.restore(state.tensors().subList(arrays.size(), state.tensors().size()));
    }
    if (deep != null) {
      deep.setSteps(state.step());
    }
    learningRateScale = state.learningRateScale();
    touched.replace(state.touchedRows());
  }

  /** The arrays of a trainer state, named, in a fixed order: weights, then the deep optimizer's. */
  private List<Pair<String, NDArray>> stateArrays() {
    List<Pair<String, NDArray>> arrays = new ArrayList<>();
    List<Pair<String, NDArray>> moments = new ArrayList<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      arrays.add(new Pair<>("weight/" + p.getKey(), p.getValue().getArray()));
      if (deep != null) {
        moments.addAll(deep.optimizerState(p.getValue(), p.getKey()));
      }
    }
    arrays.addAll(moments);
    return arrays;
  }

  /** The name {@code getParameters()} gives a parameter of the block. */
  private String parameterName(Parameter parameter) {
    for (Pair<String, Parameter> p : block.getParameters()) {
      if (p.getValue() == parameter) {
        return p.getKey();
      }
    }
    throw new IllegalArgumentException("not a parameter of the model: " + parameter.getName());
  }

  private static double[] toDoubles(float[] p) {
    double[] scores = new double[p.length];
    for (int i = 0; i < p.length; i++) {
      scores[i] = p[i];
    }
    return scores;
  }

  @Override
  public void close() {
    if (deep != null) {
      deep.close();
    }
    manager.close();
  }
}
