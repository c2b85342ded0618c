package org.ctrflow.labelqueue;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.function.Supplier;
import org.ctrflow.labelqueue.store.TaskState;

/** The queue's Prometheus metrics, in a registry of its own (tests run several services). */
public final class QueueMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  public final Counter tasksIngested =
      counter("labelqueue_tasks_ingested_total", "New tasks from label requests");
  public final Counter duplicateRequests =
      counter(
          "labelqueue_duplicate_requests_total", "Label requests for a known sample id (ignored)");
  public final Counter invalidRequests =
      counter(
          "labelqueue_invalid_requests_total",
          "Label requests that broke the event contract (skipped)");
  public final Counter labelsPublished =
      counter(
          "labelqueue_labels_published_total", "Human labels committed to the human-labels topic");
  public final Counter labelsDeduplicated =
      counter(
          "labelqueue_labels_deduplicated_total",
          "Outbox labels found already published after a restart (not re-sent)");
  public final Counter labelsParked =
      counter(
          "labelqueue_labels_parked_total",
          "Outbox labels parked because the topic's consumers would refuse them");
  public final Counter workerRestarts =
      Counter.builder()
          .name("labelqueue_worker_restarts_total")
          .help("Restarts of a background worker after it failed, by worker")
          .labelNames("worker")
          .register(registry);
  public final Counter hookDeliveries =
      Counter.builder()
          .name("labelqueue_hook_attempts_total")
          .help("Web hook delivery attempts by outcome")
          .labelNames("outcome")
          .register(registry);
  public final Counter inboundHooks =
      Counter.builder()
          .name("labelqueue_inbound_hooks_total")
          .help("Inbound web hooks by source and outcome")
          .labelNames("source", "outcome")
          .register(registry);
  public final Histogram requestSeconds =
      Histogram.builder()
          .name("labelqueue_http_request_seconds")
          .help("HTTP API latency by route")
          .labelNames("route")
          .register(registry);

  /** Registers gauges that read the queue's live state. */
  public void watch(
      Supplier<Map<TaskState, Long>> counts,
      Supplier<Long> hookOutbox,
      Supplier<Long> labelOutbox,
      Supplier<Map<String, Boolean>> workersUp) {
    GaugeWithCallback.builder()
        .name("labelqueue_worker_up")
        .help("1 while a background worker runs, is ready and makes progress, else 0; by worker")
        .labelNames("worker")
        .callback(cb -> workersUp.get().forEach((w, up) -> cb.call(up ? 1 : 0, w)))
        .register(registry);
    GaugeWithCallback.builder()
        .name("labelqueue_tasks")
        .help("Tasks by state")
        .labelNames("state")
        .callback(
            cb ->
                counts
                    .get()
                    .forEach((s, n) -> cb.call(n, s.name().toLowerCase(java.util.Locale.ROOT))))
        .register(registry);
    GaugeWithCallback.builder()
        .name("labelqueue_hook_outbox")
        .help("Web hook deliveries waiting (including retries)")
        .callback(cb -> cb.call(hookOutbox.get()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("labelqueue_label_outbox")
        .help("Human labels waiting to be published")
        .callback(cb -> cb.call(labelOutbox.get()))
        .register(registry);
  }

  /** Every registered metric, including those that have recorded nothing yet. */
  public MetricSnapshots snapshots() {
    return registry.scrape();
  }

  /** The metrics in Prometheus' text format. */
  public byte[] scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, snapshots());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private Counter counter(String name, String help) {
    return Counter.builder().name(name).help(help).register(registry);
  }
}
