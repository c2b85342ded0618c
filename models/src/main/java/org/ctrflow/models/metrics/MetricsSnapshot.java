package org.ctrflow.models.metrics;

/**
 * One model's metrics at one moment; immutable, serializable to JSON as it is (Jackson writes the
 * undefined values as the string {@code "NaN"}).
 *
 * @param model the model's name
 * @param windowCapacity W, the examples a full window covers
 * @param overall the whole stream
 * @param window the last {@code min(W, overall.count)} examples
 */
public record MetricsSnapshot(String model, int windowCapacity, Scope overall, Scope window) {

  /**
   * Metrics of one scope.
   *
   * @param count examples
   * @param positives examples labelled 1
   * @param weight sum of the importance weights
   * @param auc weighted AUC in [0, 1]; NaN unless both labels are present
   * @param aucErrorBound the most {@code auc} can differ from the exact AUC; NaN with {@code auc}
   * @param logLoss weighted, clipped log loss, at least 0; NaN without weight
   * @param calibration predicted / observed CTR, 1 when calibrated; NaN without positives
   */
  public record Scope(
      long count,
      long positives,
      double weight,
      double auc,
      double aucErrorBound,
      double logLoss,
      double calibration) {}
}
