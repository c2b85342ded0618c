package org.ctrflow.launcher.models;

import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ctrflow.memnet.bench.DriftMetrics;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;

/**
 * One variant over one stream, test-then-train through {@link OnlineTrainer} as {@code ctrflow
 * prequential} runs it (micro-batches of the trainer's batch size, flushed on size only, so runs
 * repeat), and the stream's metrics of its scores.
 */
final class AdaptRun {

  private AdaptRun() {}

  static AdaptResult run(AdaptStream stream, ModelSetup setup) {
    TrainerConfig config = setup.trainer();
    int fields = stream.fields();
    int batch = config.batchSize();
    double[] scores = new double[stream.count()];
    long start = System.nanoTime();
    Map<String, Double> diagnostics;
    try (OnlineTrainer trainer = new OnlineTrainer(setup.model(), config)) {
      for (int from = 0; from < stream.count(); from += batch) {
        int size = Math.min(batch, stream.count() - from);
        long[] rows = Arrays.copyOfRange(stream.rows(), from * fields, (from + size) * fields);
        float[] labels = Arrays.copyOfRange(stream.labels(), from, from + size);
        double[] s = trainer.scoreThenTrain(rows, size, labels, null);
        System.arraycopy(s, 0, scores, from, size);
      }
      diagnostics = trainer.diagnostics();
    }
    double seconds = (System.nanoTime() - start) / 1e9;
    return metrics(stream, scores, stream.count() / seconds, diagnostics);
  }

  static AdaptResult metrics(
      AdaptStream stream, double[] scores, double samplesPerSecond, Map<String, Double> diag) {
    float[] labels = stream.labels();
    double[] losses = DriftMetrics.losses(scores, labels);
    int n = scores.length;
    double tailAuc = Double.NaN;
    double tailLogLoss = Double.NaN;
    if (stream.tailRows() > 0 && stream.tailRows() <= n) {
      int from = n - stream.tailRows();
      tailAuc =
          DriftMetrics.auc(
              Arrays.copyOfRange(scores, from, n), Arrays.copyOfRange(labels, from, n));
      tailLogLoss = mean(losses, from, n);
    }
    Map<Integer, double[]> firstRows = new LinkedHashMap<>();
    if (stream.entities() != null) {
      for (int k : AdaptResult.FIRST_ROWS) {
        firstRows.put(k, firstRows(stream.entities(), losses, k));
      }
    }
    double[] excess = new double[stream.drifts().size()];
    if (excess.length > 0) {
      double[] best = DriftMetrics.losses(stream.teacher(), labels);
      for (int d = 0; d < excess.length; d++) {
        int at = stream.drifts().get(d);
        int end = Math.min(n, at + AdaptResult.DRIFT_WINDOW);
        for (int t = at; t < end; t++) {
          excess[d] += losses[t] - best[t];
        }
      }
    }
    return new AdaptResult(
        DriftMetrics.auc(scores, labels),
        mean(losses, 0, n),
        tailAuc,
        tailLogLoss,
        firstRows,
        excess,
        DriftMetrics.windowed(losses, AdaptResult.PLOT_WINDOW),
        samplesPerSecond,
        diag);
  }

  /** Per entity, in first-seen order, the mean loss of its first k rows. */
  private static double[] firstRows(int[] entities, double[] losses, int k) {
    Map<Integer, double[]> byEntity = new LinkedHashMap<>(); // {sum, count}
    Map<Integer, Integer> seen = new HashMap<>();
    for (int i = 0; i < entities.length; i++) {
      int e = entities[i];
      int c = seen.merge(e, 1, Integer::sum);
      if (c <= k) {
        double[] acc = byEntity.computeIfAbsent(e, x -> new double[2]);
        acc[0] += losses[i];
        acc[1]++;
      }
    }
    return byEntity.values().stream().mapToDouble(a -> a[0] / a[1]).toArray();
  }

  private static double mean(double[] values, int from, int to) {
    double sum = 0;
    for (int i = from; i < to; i++) {
      sum += values[i];
    }
    return to > from ? sum / (to - from) : Double.NaN;
  }
}
