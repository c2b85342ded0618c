package org.ctrflow.jobs.training;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.flink.metrics.Gauge;
import org.apache.flink.metrics.MetricGroup;
import org.ctrflow.connectors.events.TrainingMetrics;

/**
 * One model's Flink gauges (group {@code model=<name>}): {@code auc}, {@code logLoss}, {@code
 * calibration} over the recent window, {@code examplesPerSecond}, {@code examplesTrained}, {@code
 * modelVersion}, and one per figure of the model's own learning ({@code
 * OnlineTrainer.diagnostics()}, e.g. {@code fast_steps}, {@code sg_read_error}; dots become
 * underscores). They show the last report: metric reporters read them from their own threads, so
 * they never touch the trainer.
 */
final class TrainingGauges {

  private final MetricGroup group;
  private final Map<String, Double> diagnostics = new ConcurrentHashMap<>();
  private volatile TrainingMetrics last;

  TrainingGauges(MetricGroup group) {
    this.group = group;
    gauge(group, "auc", m -> orNaN(m.window().auc()));
    gauge(group, "logLoss", m -> orNaN(m.window().logLoss()));
    gauge(group, "calibration", m -> orNaN(m.window().calibration()));
    gauge(group, "examplesPerSecond", TrainingMetrics::examplesPerSecond);
    group.gauge("examplesTrained", (Gauge<Long>) () -> last == null ? 0L : last.examplesTrained());
    group.gauge("modelVersion", (Gauge<Long>) () -> last == null ? 0L : last.modelVersion());
  }

  void update(TrainingMetrics report, Map<String, Double> figures) {
    last = report;
    figures.forEach(
        (name, value) -> {
          if (diagnostics.put(name, value) == null) {
            group.gauge(
                name.replace('.', '_'),
                (Gauge<Double>) () -> diagnostics.getOrDefault(name, Double.NaN));
          }
        });
  }

  private void gauge(MetricGroup group, String name, ToDoubleFunction<TrainingMetrics> value) {
    group.gauge(name, (Gauge<Double>) () -> last == null ? Double.NaN : value.applyAsDouble(last));
  }

  private static double orNaN(Double value) {
    return value == null ? Double.NaN : value;
  }
}
