package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireFinite;
import static org.ctrflow.connectors.events.EventRules.requirePresent;
import static org.ctrflow.connectors.events.EventRules.requireText;

/**
 * Progress and prequential (test-then-train) quality of one model in the training job. Topic {@code
 * metrics}, keyed by {@code training/<model>}; the dashboard reads it.
 *
 * @param modelName the model, e.g. {@code finalmlp}
 * @param modelVersion the last version the job published, 0 before the first
 * @param examplesTrained examples the model has learned from since its first start (restored from
 *     checkpoints, so it never counts an example twice)
 * @param examplesPerSecond training throughput since the previous report, &gt;= 0
 * @param overall metrics over every example scored since this run (re)started
 * @param window metrics over the most recent examples (at most {@code windowCapacity})
 * @param windowCapacity the window's size in examples, &gt;= 1
 * @param emittedAt when the report was made, epoch milliseconds
 */
public record TrainingMetrics(
    String modelName,
    long modelVersion,
    long examplesTrained,
    double examplesPerSecond,
    Scope overall,
    Scope window,
    int windowCapacity,
    long emittedAt)
    implements Event {

  public TrainingMetrics {
    requireText("modelName", modelName);
    nonNegative("modelVersion", modelVersion);
    nonNegative("examplesTrained", examplesTrained);
    requireFinite("examplesPerSecond", examplesPerSecond);
    if (examplesPerSecond < 0) {
      throw new InvalidEventException(
          "examplesPerSecond", "must be >= 0, was " + examplesPerSecond);
    }
    requirePresent("overall", overall);
    requirePresent("window", window);
    if (windowCapacity < 1) {
      throw new InvalidEventException("windowCapacity", "must be >= 1, was " + windowCapacity);
    }
    requireEventTime("emittedAt", emittedAt);
  }

  @Override
  public String key() {
    return "training/" + modelName;
  }

  /**
   * Prequential metrics over one scope. A metric that is undefined for the scope (AUC without both
   * labels, calibration without positives) is absent ({@code null}), never NaN.
   *
   * @param count examples scored, &gt;= 0
   * @param positives of those, labelled 1; in [0, count]
   * @param auc weighted AUC in [0, 1], or null
   * @param logLoss weighted log loss, &gt;= 0, or null
   * @param calibration predicted / observed click rate (1 = calibrated), &gt;= 0, or null
   */
  public record Scope(long count, long positives, Double auc, Double logLoss, Double calibration) {

    public Scope {
      nonNegative("count", count);
      if (positives < 0 || positives > count) {
        throw new InvalidEventException(
            "positives", "must be in [0, count = " + count + "], was " + positives);
      }
      if (auc != null) {
        EventRules.requireProbability("auc", auc);
      }
      nonNegativeOrAbsent("logLoss", logLoss);
      nonNegativeOrAbsent("calibration", calibration);
    }

    /** A scope from metric values where NaN means undefined (as the models' metrics report). */
    public static Scope ofNullableNaN(
        long count, long positives, double auc, double logLoss, double calibration) {
      return new Scope(count, positives, orNull(auc), orNull(logLoss), orNull(calibration));
    }

    private static Double orNull(double value) {
      return Double.isNaN(value) ? null : value;
    }

    private static void nonNegativeOrAbsent(String field, Double value) {
      if (value != null && (requireFinite(field, value) < 0)) {
        throw new InvalidEventException(field, "must be >= 0, was " + value);
      }
    }
  }

  private static void nonNegative(String field, long value) {
    if (value < 0) {
      throw new InvalidEventException(field, "must be >= 0, was " + value);
    }
  }
}
