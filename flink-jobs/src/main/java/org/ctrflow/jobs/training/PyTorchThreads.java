package org.ctrflow.jobs.training;

import ai.djl.pytorch.jni.JniUtils;

/**
 * PyTorch's autograd switch ("grad mode") is per thread and on by default; DJL turns it off only on
 * the thread that first starts the engine, and a {@code GradientCollector} restores whatever mode
 * it found. So on any other thread, after a training step, grad mode stays on and the optimizer's
 * in-place update of a parameter fails: "a leaf Variable that requires grad is being used in an
 * in-place operation". In Flink that thread is every task thread but the first: a second trainer
 * subtask, or the restarted task after a failover (the engine stays loaded, so it never starts
 * again). The trainer operator therefore switches grad mode off on its thread before each step.
 */
final class PyTorchThreads {

  private PyTorchThreads() {}

  /** Grad mode off on the calling thread; a no-op where it already is. */
  static void gradModeOff() {
    if (JniUtils.isGradMode()) {
      JniUtils.setGradMode(false);
    }
  }
}
