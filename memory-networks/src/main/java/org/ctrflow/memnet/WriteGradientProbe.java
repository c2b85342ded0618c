package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * The fast path's view into a slow step, for fast learning of the write controller: its true
 * gradient exists only through the slow path's memory write, so a zero probe added to the written
 * content h_A catches ∂L/∂h_A in the trainer's backward, and after it the write controller's
 * synthetic-gradient module S_w is fitted to that gradient (× B: the gradient of one example's own
 * loss, the step's loss being the batch mean). Off unless {@code fast.enabled} and {@code
 * fast.write}.
 */
final class WriteGradientProbe {

  private final boolean enabled;
  private final SgFitter fitter;
  private NDArray probe;
  private NDArray content;
  private NDArray contentLabels;

  WriteGradientProbe(MemnetOptions options, SgFitter fitter) {
    this.enabled = options.fast() && options.fastWrite();
    this.fitter = fitter;
  }

  /**
   * The content to write: h_A itself, or h_A plus a zero probe (created on {@code manager}) that
   * takes the backward's gradient.
   *
   * @param content h_A (n, K), in the slow step's graph
   * @param labels y_A (n, 1)
   */
  NDArray attach(NDManager manager, NDArray content, NDArray labels) {
    if (!enabled) {
      return content;
    }
    probe = manager.zeros(content.getShape());
    probe.setRequiresGradient(true);
    NDArray probed = content.add(probe);
    this.content = probed.stopGradient();
    this.contentLabels = labels;
    return probed;
  }

  /**
   * After the slow step's backward: fits S_w to the probe's gradient, if one was attached in this
   * step, then forgets the step.
   *
   * @param stepLabels the whole micro-batch's labels (B, 1)
   */
  void fit(NDArray stepLabels) {
    if (probe != null) {
      long batch = stepLabels.getShape().get(0);
      NDArray g = probe.getGradient().duplicate();
      g.attach(stepLabels.getManager());
      fitter.fit(content, contentLabels, g.mul(stepLabels.getManager().full(new Shape(), batch)));
    }
    clear();
  }

  /** Forgets a probe of an earlier step. */
  void clear() {
    probe = null;
    content = null;
    contentLabels = null;
  }
}
