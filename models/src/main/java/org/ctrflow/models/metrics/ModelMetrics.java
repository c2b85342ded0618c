package org.ctrflow.models.metrics;

/**
 * All metrics of one model, over the whole stream and a sliding window of the last W examples:
 * counts, {@link StreamingAuc}, {@link LogLoss} and {@link Calibration}. Updates are O(log bins)
 * and allocation-free; not thread-safe.
 */
public final class ModelMetrics {

  public static final int DEFAULT_WINDOW = 10_000;

  private final String model;
  private final ExampleCounts counts = new ExampleCounts();
  private final StreamingAuc auc;
  private final LogLoss logLoss = new LogLoss();
  private final Calibration calibration = new Calibration();
  private final MetricWindow window;

  /** With a window of {@link #DEFAULT_WINDOW} examples and {@link StreamingAuc#DEFAULT_BINS}. */
  public ModelMetrics(String model) {
    this(model, DEFAULT_WINDOW, StreamingAuc.DEFAULT_BINS);
  }

  /**
   * @param window W, at least 1 (10k-100k suits dashboards)
   * @param aucBins score bins of the AUC, at least 2
   */
  public ModelMetrics(String model, int window, int aucBins) {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model name must be non-blank, e.g. \"finalmlp\"");
    }
    this.model = model;
    this.auc = new StreamingAuc(aucBins);
    this.window = new MetricWindow(window, counts, auc, logLoss, calibration);
  }

  public String model() {
    return model;
  }

  /** See {@link MetricWindow#update}. */
  public void update(double score, int label, double weight) {
    window.update(score, label, weight);
  }

  /** An example of weight 1. */
  public void update(double score, int label) {
    window.update(score, label, 1);
  }

  /**
   * A batch of weight-1 examples: {@code scores[i]} with {@code labels[i]}, arrays of one length.
   */
  public void update(double[] scores, int[] labels) {
    requireLength(labels.length, scores.length, "labels");
    for (int i = 0; i < scores.length; i++) {
      window.update(scores[i], labels[i], 1);
    }
  }

  /** A weighted batch: {@code scores[i]}, {@code labels[i]}, {@code weights[i]}, one length. */
  public void update(double[] scores, int[] labels, double[] weights) {
    requireLength(labels.length, scores.length, "labels");
    requireLength(weights.length, scores.length, "weights");
    for (int i = 0; i < scores.length; i++) {
      window.update(scores[i], labels[i], weights[i]);
    }
  }

  private static void requireLength(int length, int expected, String what) {
    if (length != expected) {
      throw new IllegalArgumentException(
          what + " has " + length + " entries, scores " + expected + "; they must match");
    }
  }

  public MetricsSnapshot snapshot() {
    return new MetricsSnapshot(
        model,
        window.capacity(),
        new MetricsSnapshot.Scope(
            counts.overallCount(),
            counts.overallPositives(),
            counts.overallWeight(),
            auc.overall(),
            auc.overallErrorBound(),
            logLoss.overall(),
            calibration.overall()),
        new MetricsSnapshot.Scope(
            counts.windowCount(),
            counts.windowPositives(),
            counts.windowWeight(),
            auc.window(),
            auc.windowErrorBound(),
            logLoss.window(),
            calibration.window()));
  }
}
