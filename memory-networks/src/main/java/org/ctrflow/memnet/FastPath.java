package org.ctrflow.memnet;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The fast learner of a memory model: between a micro-batch's scored parts, the chosen controllers
 * take small steps along synthetic gradients (Fernando et al. 2020; DNI, Jaderberg et al. 2017),
 * kept apart from the slow weights the trainer's back-propagation fits.
 *
 * <p>For each part of {@code fast.batch} examples, after it is scored (so no score sees its own
 * label):
 *
 * <ol>
 *   <li>the true gradient g_i = ∂ℓ_i/∂q_i of each example's own loss is computed in inference mode
 *       (batch norm on its running statistics, no dropout), by one backward through the output
 *       network: exact and free of batch coupling;
 *   <li>the step's direction is S_r's estimate Ŝ(q_i, y_i) ({@code synthetic}) or g itself ({@code
 *       oracle}, the control that bounds what S can give);
 *   <li>θ_r takes δ = −η_fast·(1/n)·Σ (∂q_i/∂θ_r)ᵀ·d_i, scaled down so that the RMS change of q on
 *       the part is at most {@code fast.bound} × RMS(q); with {@code fast.guard} δ is computed on
 *       the part's first half and kept only if the second half's loss falls;
 *   <li>S_r is fitted to g ({@link SgFitter}), after it was measured against it.
 * </ol>
 *
 * The write controller's true gradient exists only through the slow path's memory write, so S_w is
 * fitted at the end of each slow step (its probe gradient) and the write controller's fast step
 * always follows S_w.
 *
 * <p>Fast weights: the controllers hold θ_slow + Δ, Δ the sum of the fast steps. Before each slow
 * step Δ is taken out, so the trainer's step trains θ_slow only; afterwards Δ is multiplied by
 * {@code fast.decay} (0 resets it) and put back. Fast steps are thus reversible: they help the
 * examples that follow them and fade, instead of accumulating in the slow weights.
 */
final class FastPath {

  private final MemoryAugmentedBlock block;
  private final NeuralMemory memory;
  private final MemnetOptions options;
  private final List<Parameter> readParameters;
  private final List<Parameter> writeParameters;
  private final SgFitter readFitter;
  private final SgFitter writeFitter;
  private final WriteGradientProbe writeProbe;
  private final Map<Parameter, NDArray> delta = new IdentityHashMap<>();
  private long steps;
  private long bounded;
  private long guarded;
  private long accepted;

  FastPath(MemoryAugmentedBlock block, NeuralMemory memory) {
    this.block = block;
    this.memory = memory;
    this.options = memory.options();
    readParameters = memory.controllerParameters(true, false);
    writeParameters = memory.controllerParameters(false, true);
    readFitter = new SgFitter(memory, true);
    writeFitter = new SgFitter(memory, false);
    writeProbe = new WriteGradientProbe(options, writeFitter);
  }

  /** The synthetic-gradient modules' parameters: trained here, never by the trainer. */
  List<Parameter> ownParameters() {
    List<Parameter> own = new ArrayList<>(readFitter.parameters());
    own.addAll(writeFitter.parameters());
    return own;
  }

  /**
   * Fits S_w from the slow step's gradient of the memory write (see {@link WriteGradientProbe}).
   */
  WriteGradientProbe writeProbe() {
    return writeProbe;
  }

  /** Scores the batch part by part, adapting after each part (class notes). */
  NDArray scoreThenAdapt(NDArray indices, NDArray labels) {
    long batch = indices.getShape().get(0);
    int part = options.fastBatch();
    NDArray[] scores = new NDArray[(int) ((batch + part - 1) / part)];
    for (int i = 0; i < scores.length; i++) {
      NDIndex range = new NDIndex("{}:{}", (long) i * part, Math.min(batch, (long) (i + 1) * part));
      NDArray x = indices.get(range);
      scores[i] = block.predict(x);
      if (i + 1 < scores.length) {
        // The last part's labels would only help the next batch, after a slow step.
        adapt(x, labels.get(range));
      }
    }
    return scores.length == 1 ? scores[0] : NDArrays.concat(new NDList(scores), 0);
  }

  /**
   * One fast update on n labelled examples (the class notes' steps 1 to 4). Public to the module
   * for the speed benchmark and tests.
   *
   * @param x (n, F) rows
   * @param y (n, 1) labels
   */
  void adapt(NDArray x, NDArray y) {
    if (options.fastLearningRate() == 0f) {
      return;
    }
    try (NDManager step = x.getManager().newSubManager()) {
      NDArray e = block.embed(x);
      e.attach(step);
      if (options.fastRead()) {
        NDArray q = memory.query(new SgFitter.DetachedStore(step), e, false);
        NDArray g = queryGradient(step, e, q, y);
        NDArray direction = options.fastMode().equals("oracle") ? g : readFitter.predict(q, y);
        step(step, readParameters, e, y, direction, true);
        readFitter.fit(q, y, g);
      }
      if (options.fastWrite()) {
        NDArray h = memory.content(new SgFitter.DetachedStore(step), e, y, false);
        step(step, writeParameters, e, y, writeFitter.predict(h, y), false);
      }
    }
  }

  /** ∂ℓ_i/∂q_i of each example's own loss, in inference mode, as (n, K). */
  private NDArray queryGradient(NDManager step, NDArray e, NDArray q0, NDArray y) {
    NDArray q = q0.duplicate();
    q.attach(step);
    q.setRequiresGradient(true);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray z = block.readLogits(new SgFitter.DetachedStore(step), e, q);
      collector.backward(Activation.softPlus(z).sub(z.mul(y)).sum());
    }
    NDArray g = q.getGradient().duplicate();
    g.attach(step);
    return g;
  }

  /**
   * A bounded (and optionally guarded) fast step of one controller along {@code direction}.
   *
   * @param read the read controller (its output q) or the write controller (h)
   */
  private void step(
      NDManager step,
      List<Parameter> controller,
      NDArray e,
      NDArray y,
      NDArray direction,
      boolean read) {
    long n = e.getShape().get(0);
    // The guard checks the read's effect on scores; a write only shows in later reads.
    boolean guard = options.fastGuard() && read && n > 1;
    NDIndex fit = new NDIndex("0:{}", guard ? n / 2 : n);
    NDIndex check = new NDIndex("{}:", n / 2);
    NDArray eFit = e.get(fit);
    NDArray yFit = y.get(fit);
    NDArray before = output(step, eFit, yFit, read);
    List<NDArray> deltas = gradients(step, controller, eFit, yFit, direction.get(fit), read);
    float rate = -options.fastLearningRate() / eFit.getShape().get(0);
    NDArray r = step.full(new Shape(), rate);
    for (int i = 0; i < deltas.size(); i++) {
      deltas.set(i, deltas.get(i).mul(r));
    }
    add(controller, deltas, 1f);
    double scale = bound(before, output(step, eFit, yFit, read));
    if (scale < 1) {
      bounded++;
      add(controller, deltas, (float) (scale - 1));
    }
    steps++;
    if (guard) {
      guarded++;
      NDArray eCheck = e.get(check);
      double after = loss(step, eCheck, y.get(check));
      add(controller, deltas, (float) -scale);
      double previous = loss(step, eCheck, y.get(check));
      if (after < previous) {
        accepted++;
        add(controller, deltas, (float) scale);
      } else {
        return;
      }
    }
    remember(controller, deltas, (float) scale);
  }

  /** The controller's output on (e, y) at the current weights, detached. */
  private NDArray output(NDManager step, NDArray e, NDArray y, boolean read) {
    SgFitter.DetachedStore store = new SgFitter.DetachedStore(step);
    return read ? memory.query(store, e, false) : memory.content(store, e, y, false);
  }

  /** (∂/∂θ) of (Σ_i c_i·d_i) for the controller's parameters θ, one array each. */
  private List<NDArray> gradients(
      NDManager step,
      List<Parameter> controller,
      NDArray e,
      NDArray y,
      NDArray direction,
      boolean read) {
    SgFitter.DetachedStore store = new SgFitter.DetachedStore(step, controller);
    try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
      NDArray c = read ? memory.query(store, e, false) : memory.content(store, e, y, false);
      collector.backward(c.mul(direction.stopGradient()).sum());
    }
    List<NDArray> gradients = new ArrayList<>();
    for (Parameter p : controller) {
      NDArray g = p.getArray().getGradient();
      NDArray copy = g.duplicate();
      copy.attach(step);
      gradients.add(copy);
      // PyTorch accumulates into .grad; the trainer's next step must not see the fast gradient.
      g.subi(g);
    }
    return gradients;
  }

  /** The factor (at most 1) that keeps RMS(after − before) within the bound × RMS(before). */
  private double bound(NDArray before, NDArray after) {
    double change = rms(after.sub(before));
    double limit = options.fastBound() * rms(before);
    return change > limit ? limit / change : 1;
  }

  private static double rms(NDArray x) {
    return Math.sqrt(x.square().mean().getFloat());
  }

  /** Mean BCE of the model's current scores on rows of embeddings e (a guard's check half). */
  private double loss(NDManager step, NDArray e, NDArray y) {
    NDArray q = memory.query(new SgFitter.DetachedStore(step), e, false);
    NDArray z = block.readLogits(new SgFitter.DetachedStore(step), e, q);
    return Activation.softPlus(z).sub(z.mul(y)).mean().getFloat();
  }

  private static void add(List<Parameter> controller, List<NDArray> deltas, float factor) {
    if (factor == 0f) {
      return;
    }
    for (int i = 0; i < controller.size(); i++) {
      NDArray d = deltas.get(i);
      controller
          .get(i)
          .getArray()
          .addi(factor == 1f ? d : d.mul(d.getManager().full(new Shape(), factor)));
    }
  }

  /** Adds a kept step to Δ (on the weights' manager: Δ outlives the step). */
  private void remember(List<Parameter> controller, List<NDArray> deltas, float scale) {
    for (int i = 0; i < controller.size(); i++) {
      Parameter p = controller.get(i);
      NDArray d = deltas.get(i).mul(deltas.get(i).getManager().full(new Shape(), scale));
      NDArray total = delta.get(p);
      if (total == null) {
        total = p.getArray().zerosLike();
        delta.put(p, total);
      }
      total.addi(d);
    }
  }

  /** Takes Δ out of the controllers: the slow step trains θ_slow. */
  void beforeSlowStep() {
    delta.forEach((p, d) -> p.getArray().subi(d));
  }

  /** Δ ← fast.decay·Δ, put back (or dropped when the decay is 0). */
  void afterSlowStep() {
    float decay = options.fastDecay();
    if (decay == 0f) {
      delta.values().forEach(NDArray::close);
      delta.clear();
      return;
    }
    delta.forEach(
        (p, d) -> {
          if (decay != 1f) {
            d.muli(decay);
          }
          p.getArray().addi(d);
        });
  }

  /** The fast path's figures: steps, bound and guard rates, S_r's error and cosine. */
  Map<String, Double> diagnostics() {
    Map<String, Double> d = new LinkedHashMap<>();
    d.put("fast.steps", (double) steps);
    d.put("fast.bounded", steps == 0 ? Double.NaN : (double) bounded / steps);
    d.put("fast.accepted", guarded == 0 ? Double.NaN : (double) accepted / guarded);
    d.put("sg.read.error", readFitter.meanError());
    d.put("sg.read.cosine", readFitter.meanCosine());
    if (options.fastWrite()) {
      d.put("sg.write.error", writeFitter.meanError());
      d.put("sg.write.cosine", writeFitter.meanCosine());
    }
    return d;
  }
}
