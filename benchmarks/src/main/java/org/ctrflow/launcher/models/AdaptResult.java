package org.ctrflow.launcher.models;

import java.util.List;
import java.util.Map;

/**
 * What one variant scored on one stream of the adaptation benchmark.
 *
 * @param auc exact AUC over the whole stream
 * @param logLoss mean log loss over the whole stream
 * @param tailAuc AUC of the stream's tail rows (NaN without)
 * @param tailLogLoss their log loss (NaN without)
 * @param firstRows for each k of {@link #FIRST_ROWS}, per new entity, the mean log loss of its
 *     first k rows (all of them when it has fewer); empty without entities
 * @param driftExcess per drift, the excess log loss summed over the {@link #DRIFT_WINDOW} events
 *     after it: Σ (ℓ_t − ℓ*_t), ℓ*_t the log loss of the generator's true probability (the regret
 *     against a model that knew the new rules at once)
 * @param windowed the log loss averaged over the last {@link #PLOT_WINDOW} events, for plots
 * @param samplesPerSecond stream rows per second of wall time, scoring and training
 * @param diagnostics the model's own figures after the run (e.g. the fast path's), by name
 */
record AdaptResult(
    double auc,
    double logLoss,
    double tailAuc,
    double tailLogLoss,
    Map<Integer, double[]> firstRows,
    double[] driftExcess,
    double[] windowed,
    double samplesPerSecond,
    Map<String, Double> diagnostics) {

  static final List<Integer> FIRST_ROWS = List.of(8, 32, 128);
  static final int DRIFT_WINDOW = 20_000;
  static final int PLOT_WINDOW = 2_000;

  /** The mean over entities of their first-k-rows log loss; NaN without entities. */
  double firstRowsLogLoss(int k) {
    double[] perEntity = firstRows.get(k);
    if (perEntity == null || perEntity.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : perEntity) {
      sum += v;
    }
    return sum / perEntity.length;
  }

  /** The excess log loss summed over all drifts; NaN without drifts. */
  double totalDriftExcess() {
    if (driftExcess.length == 0) {
      return Double.NaN;
    }
    double sum = 0;
    for (double v : driftExcess) {
      sum += v;
    }
    return sum;
  }
}
