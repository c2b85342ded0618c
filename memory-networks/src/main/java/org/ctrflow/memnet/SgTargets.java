package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;

/**
 * One slow step's training data for the synthetic-gradient modules, copied to Java memory so it
 * outlives the step's manager: the controllers' outputs, their labels, and the true gradients the
 * probes caught, scaled by the batch size (gradients of one example's loss, see {@link
 * MemoryAugmentedBlock}).
 */
record SgTargets(
    int width,
    float[] query,
    float[] queryLabels,
    float[] queryGradient,
    float[] content,
    float[] contentLabels,
    float[] contentGradient) {

  static SgTargets of(
      NDArray query,
      NDArray queryLabels,
      NDArray queryGradient,
      NDArray content,
      NDArray contentLabels,
      NDArray contentGradient,
      long batch) {
    return new SgTargets(
        (int) query.getShape().get(1),
        query.toFloatArray(),
        queryLabels.toFloatArray(),
        scaled(queryGradient.toFloatArray(), batch),
        content.toFloatArray(),
        contentLabels.toFloatArray(),
        scaled(contentGradient.toFloatArray(), batch));
  }

  private static float[] scaled(float[] gradient, long batch) {
    for (int i = 0; i < gradient.length; i++) {
      gradient[i] *= batch;
    }
    return gradient;
  }

  NDArray query(NDManager manager) {
    return rows(manager, query, width);
  }

  NDArray queryLabels(NDManager manager) {
    return rows(manager, queryLabels, 1);
  }

  NDArray queryGradient(NDManager manager) {
    return rows(manager, queryGradient, width);
  }

  NDArray content(NDManager manager) {
    return rows(manager, content, width);
  }

  NDArray contentLabels(NDManager manager) {
    return rows(manager, contentLabels, 1);
  }

  NDArray contentGradient(NDManager manager) {
    return rows(manager, contentGradient, width);
  }

  private static NDArray rows(NDManager manager, float[] values, int width) {
    return manager.create(values, new Shape(values.length / width, width));
  }
}
