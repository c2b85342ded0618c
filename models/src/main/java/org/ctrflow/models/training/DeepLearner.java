package org.ctrflow.models.training;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.HostBuffer;

/**
 * The deep part's back-propagation step (see {@link OnlineTrainer}): gathers the step's distinct
 * embedding rows into a small leaf array, runs the deep part on it (via {@link RowParameterStore}),
 * regularises and clips the gradients, and applies {@link StepOptimizer}. Not thread-safe; steps of
 * all instances in a JVM take one lock, since DJL allows one active gradient collector per JVM.
 */
final class DeepLearner implements AutoCloseable {

  /** Held around every gradient collector of the JVM's trainers. */
  static final ReentrantLock GRADIENT_COLLECTOR = new ReentrantLock();

  private final TrainerConfig config;
  private final CtrModelBlock block;
  private final Parameter table;
  private final List<Parameter> dense = new ArrayList<>();
  private final StepOptimizer optimizer;
  private final BatchInputs inputs;
  private final HostBuffer staging;
  private final TrainingHooks hooks;
  private double lastGradientNorm = Double.NaN;

  /**
   * @param hooks the block's hooks, or null
   * @param staging the trainer's reused input buffer
   */
  DeepLearner(
      CtrModelBlock block,
      TrainerConfig config,
      NDManager manager,
      BatchInputs inputs,
      HostBuffer staging,
      TrainingHooks hooks) {
    this.config = config;
    this.block = block;
    this.inputs = inputs;
    this.staging = staging;
    this.hooks = hooks;
    table = block.embeddingTable();
    List<Parameter> own = hooks == null ? List.of() : hooks.ownParameters();
    for (Pair<String, Parameter> p : block.getParameters()) {
      Parameter parameter = p.getValue();
      if (parameter != table && parameter.requiresGradient() && !own.contains(parameter)) {
        dense.add(parameter);
      }
    }
    // The table is read through a gathered leaf; it must never get a (dense) gradient itself.
    table.getArray().setRequiresGradient(false);
    optimizer =
        new StepOptimizer(
            manager,
            table.getArray(),
            dense,
            config.beta1(),
            config.beta2(),
            config.epsilon(),
            config.rowOptimizer());
  }

  /** Steps taken. */
  long steps() {
    return optimizer.step();
  }

  void setSteps(long steps) {
    optimizer.setStep(steps);
  }

  double lastGradientNorm() {
    return lastGradientNorm;
  }

  double firstMomentNorm() {
    return optimizer.firstMomentNorm();
  }

  /** After the block's weights were reloaded: the same gradient flags as at construction. */
  void resetGradientFlags() {
    table.getArray().setRequiresGradient(false);
    dense.forEach(p -> p.getArray().setRequiresGradient(true));
  }

  /**
   * One step of the deep part alone on a batch: the wide terms learn its residual.
   *
   * @param learningRateScale the factor on both learning rates (offline decay)
   * @param touched marked with the step's embedding rows
   * @return the batch's weighted BCE before the step
   */
  double step(
      NDManager parent,
      long[] rows,
      int batchSize,
      float[] labels,
      float[] w,
      float learningRateScale,
      TouchedRows touched) {
    int fields = block.config().numFields();
    GRADIENT_COLLECTOR.lock();
    try (NDManager step = parent.newSubManager()) {
      long[] distinct = new long[rows.length];
      long[] local = new long[rows.length];
      int count = inputs.indexRows(rows, distinct, local);
      NDArray rowIds = staging.create(step, distinct, new Shape(count));
      NDArray leaf = StepOptimizer.gatherRows(table.getArray(), rowIds);
      leaf.setRequiresGradient(true);
      NDArray x = staging.create(step, local, new Shape(batchSize, fields));
      NDArray y = staging.create(step, labels, new Shape(batchSize, 1));
      NDArray iw = staging.create(step, w, new Shape(batchSize, 1));
      double loss;
      if (hooks != null) {
        hooks.beginStep(y);
      }
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray logits = block.deepForward(new RowParameterStore(step, table, leaf), x, true);
        // Stable BCE on logits: softplus(z) - y·z; the mean divides by B (see OnlineTrainer).
        // No scalar operands here: under autograd DJL's mul(Number) corrupts gradients.
        NDArray bce = Activation.softPlus(logits).sub(logits.mul(y));
        NDArray objective = bce.mul(iw).mean();
        collector.backward(objective);
        loss = objective.getFloat();
      }
      apply(step, rowIds, leaf, learningRateScale);
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
  private void apply(NDManager step, NDArray rowIds, NDArray leaf, float learningRateScale) {
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
    optimizer.nextStep();
    float lr = config.learningRate() * learningRateScale;
    for (int i = 0; i < dense.size(); i++) {
      optimizer.updateDense(dense.get(i), gradients.get(i), scale, lr);
    }
    float embeddingLr = config.embeddingLearningRate() * learningRateScale;
    optimizer.updateRows(table.getArray(), rowIds, leaf, rowGradient, scale, embeddingLr);
    // PyTorch accumulates into .grad and DJL's collector does not reset it (its Trainer does, in
    // step()): zero the dense gradients in place for the next step. The leaf is new every step.
    for (NDArray g : accumulators) {
      g.subi(g);
    }
  }

  /**
   * The optimizer's state arrays of one of the block's parameters, named {@code kind/name}: the
   * table's row state, a dense parameter's two Adam moments, nothing for others.
   */
  List<Pair<String, NDArray>> optimizerState(Parameter parameter, String name) {
    List<Pair<String, NDArray>> state = new ArrayList<>();
    if (parameter == table) {
      for (Pair<String, NDArray> s : optimizer.tableState()) {
        state.add(new Pair<>(s.getKey() + "/" + name, s.getValue()));
      }
    } else if (dense.contains(parameter)) {
      NDArray[] m = optimizer.moments(parameter);
      state.add(new Pair<>("adam.mean/" + name, m[0]));
      state.add(new Pair<>("adam.variance/" + name, m[1]));
    }
    return state;
  }

  @Override
  public void close() {
    optimizer.close();
  }
}
