package org.ctrflow.models.training;

import ai.djl.ndarray.NDArray;

/**
 * Implemented by a {@link org.ctrflow.models.blocks.CtrModelBlock} that learns more than the
 * trainer's gradient step does: state written from labelled examples (a neural memory), modules it
 * fits itself, and fast updates between slow steps. {@link OnlineTrainer} calls these on its
 * training thread, holding the JVM-wide gradient-collector lock, so an implementation may open its
 * own {@code GradientCollector} in {@link #scoreThenAdapt} and {@link #endStep()} (never in the
 * others: the trainer's is open around the forward and backward).
 *
 * <p>One training step is: {@link #beginStep} (labels), the block's training forward, the trainer's
 * objective, one backward, the optimizer update, {@link #endStep()}.
 */
public interface TrainingHooks {

  /**
   * The labels of the training forward that follows.
   *
   * @param labels (B, 1) float on the step's manager, valid until {@link #endStep()}
   */
  void beginStep(NDArray labels);

  /** After the optimizer update of the step; release the step's arrays here. */
  void endStep();

  /**
   * Test-then-train's scoring for a fresh labelled batch: scores it with the current model, and may
   * adapt between parts of it before the trainer's slow step on the whole batch.
   *
   * @param indices (B, F) row indices
   * @param labels (B, 1) labels, on the same manager
   * @return (B, 1) probabilities from before the model saw each example's label
   */
  NDArray scoreThenAdapt(NDArray indices, NDArray labels);

  /**
   * Parameters the block trains itself (in {@link #scoreThenAdapt} or {@link #endStep()}): the
   * trainer's optimizer and gradient clip leave them alone. None by default.
   */
  default java.util.List<ai.djl.nn.Parameter> ownParameters() {
    return java.util.List.of();
  }

  /** Figures of the block's own learning, by name, for benchmarks and metrics; none by default. */
  default java.util.Map<String, Double> diagnostics() {
    return java.util.Map.of();
  }
}
