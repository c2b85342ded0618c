package org.ctrflow.memnet;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.List;

/**
 * Fits one synthetic-gradient module (S_r or S_w) to true gradients with an Adam of its own,
 * outside the trainer's optimizer and its global gradient clip (DNI: the estimator must learn
 * faster than what it drives). Targets are normalised by a running RMS of the true gradients, so S
 * learns a unit-scale function whatever the loss's steepness; {@link #predict} scales back.
 *
 * <p>Before each fit it measures how good S was on the data it is about to learn: the normalised
 * error Σ‖Ŝ − g‖² / Σ‖g‖² (1 is no better than predicting zero) and the mean cosine between Ŝ_i and
 * g_i over examples.
 */
final class SgFitter {

  /** Weight of the newest batch in the running RMS. */
  private static final double RMS_RATE = 0.05;

  private final NeuralMemory memory;
  private final boolean read;
  private final List<Parameter> parameters;
  private final Optimizer adam;
  private final int steps;
  private double targetRms = Double.NaN;
  private double errorSum;
  private double cosineSum;
  private long measured;

  SgFitter(NeuralMemory memory, boolean read) {
    this.memory = memory;
    this.read = read;
    parameters = memory.syntheticGradientParameters(read);
    MemnetOptions o = memory.options();
    adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(o.sgLearningRate())).build();
    steps = o.sgSteps();
  }

  /** S's parameters, which only this fitter trains. */
  List<Parameter> parameters() {
    return parameters;
  }

  /**
   * Ŝ for controller outputs {@code out} (n, K) and labels (n, 1), in gradient units; zero before
   * the first fit.
   */
  NDArray predict(NDArray out, NDArray y) {
    NDManager manager = out.getManager();
    if (Double.isNaN(targetRms)) {
      return manager.zeros(out.getShape());
    }
    ParameterStore store = new DetachedStore(manager);
    NDArray s = estimate(store, out, y);
    return s.mul(manager.full(new Shape(), (float) targetRms));
  }

  /**
   * Measures Ŝ against {@code g}, then fits S to it: {@link MemnetOptions#sgSteps()} Adam steps on
   * the mean over examples of ‖S(out, y) − g/rms‖².
   *
   * @param g (n, K) the true gradients of each example's own loss
   */
  void fit(NDArray out, NDArray y, NDArray g) {
    NDManager manager = out.getManager();
    float[] gv = g.toFloatArray();
    double squares = 0;
    for (float v : gv) {
      squares += v * v;
    }
    double rms = Math.sqrt(squares / Math.max(1, gv.length));
    if (!(rms > 0)) {
      return;
    }
    if (!Double.isNaN(targetRms)) {
      measure(predict(out, y).toFloatArray(), gv, (int) out.getShape().get(1));
      targetRms = (1 - RMS_RATE) * targetRms + RMS_RATE * rms;
    } else {
      targetRms = rms;
    }
    NDArray target = g.mul(manager.full(new Shape(), (float) (1 / targetRms)));
    for (int i = 0; i < steps; i++) {
      try (NDManager step = manager.newSubManager()) {
        try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
          NDArray loss =
              estimate(new ParameterStore(step, false), out, y)
                  .sub(target)
                  .square()
                  .sum(new int[] {1})
                  .mean();
          collector.backward(loss);
        }
        for (Parameter p : parameters) {
          NDArray w = p.getArray();
          NDArray grad = w.getGradient();
          adam.update(p.getId(), w, grad);
          grad.subi(grad);
        }
      }
    }
  }

  private NDArray estimate(ParameterStore store, NDArray out, NDArray y) {
    return read
        ? memory.readSyntheticGradient(store, out, y, true)
        : memory.writeSyntheticGradient(store, out, y, true);
  }

  private void measure(float[] s, float[] g, int width) {
    double error = 0;
    double norm = 0;
    double cosine = 0;
    int rows = g.length / width;
    for (int r = 0; r < rows; r++) {
      double dot = 0;
      double ss = 0;
      double gg = 0;
      for (int k = r * width; k < (r + 1) * width; k++) {
        error += (s[k] - g[k]) * (s[k] - g[k]);
        norm += g[k] * g[k];
        dot += s[k] * g[k];
        ss += s[k] * s[k];
        gg += g[k] * g[k];
      }
      cosine += ss > 0 && gg > 0 ? dot / Math.sqrt(ss * gg) : 0;
    }
    errorSum += norm > 0 ? error / norm : 0;
    cosineSum += rows > 0 ? cosine / rows : 0;
    measured++;
  }

  /** Mean normalised error of Ŝ over the fits so far (NaN before the second). */
  double meanError() {
    return measured == 0 ? Double.NaN : errorSum / measured;
  }

  /** Mean per-example cosine between Ŝ and g (NaN before the second fit). */
  double meanCosine() {
    return measured == 0 ? Double.NaN : cosineSum / measured;
  }

  /** Serves every parameter detached: a forward through it builds no gradient of any weight. */
  static final class DetachedStore extends ParameterStore {
    private final NDManager manager;
    private final List<Parameter> live;

    /** Detaches every parameter. */
    DetachedStore(NDManager manager) {
      this(manager, List.of());
    }

    /** Detaches every parameter but {@code live}, whose gradients the caller wants. */
    DetachedStore(NDManager manager, List<Parameter> live) {
      super(manager, false);
      this.manager = manager;
      this.live = live;
    }

    @Override
    public NDArray getValue(Parameter parameter, Device device, boolean training) {
      NDArray value = super.getValue(parameter, device, training);
      if (value == null || live.stream().anyMatch(p -> p == parameter)) {
        return value;
      }
      // A detached copy lands on the parameter's manager; the caller's step manager frees it.
      NDArray detached = value.stopGradient();
      detached.attach(manager);
      return detached;
    }
  }
}
