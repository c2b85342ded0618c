package org.ctrflow.serving;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
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
import org.ctrflow.connectors.supervision.Supervisor;

/** The server's Prometheus metrics, on their own registry; {@link #scrape()} renders them. */
final class ServingMetrics {

  private final PrometheusRegistry registry = new PrometheusRegistry();

  final Histogram requestSeconds =
      Histogram.builder()
          .name("ctrflow_serving_request_seconds")
          .help("Time from a request's arrival to its response, by endpoint, model and status.")
          .labelNames("endpoint", "model", "status")
          .classicExponentialUpperBounds(50e-6, 2, 18)
          .register(registry);

  final Histogram batchRows =
      Histogram.builder()
          .name("ctrflow_serving_batch_rows")
          .help("Rows scored by one forward pass, by model.")
          .labelNames("model")
          .classicExponentialUpperBounds(1, 2, 17)
          .register(registry);

  final Histogram batchRequests =
      Histogram.builder()
          .name("ctrflow_serving_batch_requests")
          .help("Requests merged into one forward pass, by model.")
          .labelNames("model")
          .classicExponentialUpperBounds(1, 2, 12)
          .register(registry);

  final Histogram refreshLagSeconds =
      Histogram.builder()
          .name("ctrflow_serving_refresh_lag_seconds")
          .help(
              "From a version's publication to this server reading the event that completes it"
                  + " (stage=received), to it being available (stage=available) and to its first"
                  + " response (stage=first_response).")
          .labelNames("model", "stage")
          .classicExponentialUpperBounds(1e-3, 2, 16)
          .register(registry);

  final Gauge queuedRequests =
      Gauge.builder()
          .name("ctrflow_serving_queued_requests")
          .help(
              "Requests holding one of the model's queue-capacity places: waiting for a batch, or"
                  + " without batching waiting for or in their forward pass; by model.")
          .labelNames("model")
          .register(registry);

  final Gauge modelVersion =
      Gauge.builder()
          .name("ctrflow_serving_model_version")
          .help("The version new requests are scored with, by model.")
          .labelNames("model")
          .register(registry);

  final Gauge warmVersions =
      Gauge.builder()
          .name("ctrflow_serving_warm_versions")
          .help("Versions kept loaded, by model.")
          .labelNames("model")
          .register(registry);

  final Counter errors =
      Counter.builder()
          .name("ctrflow_serving_errors_total")
          .help("Requests answered with an error, by endpoint and status.")
          .labelNames("endpoint", "status")
          .register(registry);

  final Counter updates =
      Counter.builder()
          .name("ctrflow_serving_model_updates_total")
          .help(
              "Model-update events by model and outcome: updated, pending, ignored or rejected"
                  + " (with the reason).")
          .labelNames("model", "outcome", "reason")
          .register(registry);

  final Gauge inflightBytes =
      Gauge.builder()
          .name("ctrflow_serving_inflight_bytes")
          .help(
              "Heap reserved by the requests being read, parsed or scored (estimated from their"
                  + " bodies); max-inflight-bytes bounds it.")
          .register(registry);

  final Counter workerRestarts =
      Counter.builder()
          .name("ctrflow_serving_worker_restarts_total")
          .help("Restarts of a background worker after it failed, by worker.")
          .labelNames("worker")
          .register(registry);

  /** Registers {@code ctrflow_serving_worker_up}, read from the supervisor's worker states. */
  void watchWorkers(Supplier<Map<String, Supervisor.State>> states) {
    GaugeWithCallback.builder()
        .name("ctrflow_serving_worker_up")
        .help("1 while a background worker runs, 0 while it waits to be restarted; by worker.")
        .labelNames("worker")
        .callback(
            cb -> states.get().forEach((w, s) -> cb.call(s == Supervisor.State.UP ? 1 : 0, w)))
        .register(registry);
  }

  /** Every registered metric, including those that have recorded nothing yet. */
  MetricSnapshots snapshots() {
    return registry.scrape();
  }

  String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      PrometheusTextFormatWriter.create().write(out, snapshots());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  static String contentType() {
    return PrometheusTextFormatWriter.CONTENT_TYPE;
  }
}
