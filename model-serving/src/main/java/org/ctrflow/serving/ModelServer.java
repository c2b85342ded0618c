package org.ctrflow.serving;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelUpdateFollower;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running model server: the registry of warm versions, the refresher that fills it from the model
 * store and the model-updates topic, one dynamic batcher per model, and the HTTP API; the
 * background workers (batchers, refresher) are supervised, and readiness is false while one is
 * down. {@link #close()} stops accepting requests, then stops refreshing, then frees every version.
 */
public final class ModelServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelServer.class);

  /** The longest wait between restarts of a worker (the backoff setting's upper bound). */
  private static final Duration MAX_RESTART_BACKOFF = Duration.ofMinutes(1);

  private final ModelRegistry registry;
  private final ModelRefresher refresher;
  private final Map<String, DynamicBatcher> batchers = new LinkedHashMap<>();
  private final InferenceServer http;
  private final Supervisor workers;
  private final Device device;

  private ModelServer(ServingConfig config) {
    device = Devices.parse(config.get(ServingConfig.DEVICE), Engine.getInstance().getGpuCount());
    ServingMetrics metrics = new ServingMetrics();
    workers = workers(config, metrics);
    registry = new ModelRegistry(config.modelNames(), config.get(ServingConfig.WARM_VERSIONS));
    DirectoryModelStore store =
        new DirectoryModelStore(Path.of(config.get(ServingConfig.MODEL_STORE)));
    Map<String, ModelUpdateFollower> followers = new LinkedHashMap<>();
    for (String name : registry.names()) {
      followers.put(
          name,
          new ModelUpdateFollower(name, store, device, config.get(ServingConfig.MAX_DELTA_BYTES)));
      batchers.put(name, new DynamicBatcher(name, config, metrics, workers));
    }
    refresher = new ModelRefresher(registry, followers, metrics, config, workers);
    http = new InferenceServer(registry, batchers, metrics, config, workers);
  }

  /**
   * The server's supervisor: a failed worker restarts after {@code worker-restart-backoff},
   * doubling for every failure in a row up to a minute; restarts and states go to the metrics.
   */
  static Supervisor workers(ServingConfig config, ServingMetrics metrics) {
    Duration first = config.get(ServingConfig.WORKER_RESTART_BACKOFF);
    Supervisor workers =
        new Supervisor(
            new Supervisor.Backoff(first, MAX_RESTART_BACKOFF),
            w -> metrics.workerRestarts.labelValues(w).inc());
    metrics.watchWorkers(workers::states);
    return workers;
  }

  /**
   * Starts serving: HTTP first (live, not ready), then the store's latest snapshots and the topic.
   *
   * @throws IllegalArgumentException for an invalid setting, naming it
   */
  public static ModelServer start(ServingConfig config) {
    ModelServer server = new ModelServer(config);
    try {
      server.http.start();
      server.refresher.start();
    } catch (RuntimeException e) {
      server.close();
      throw e;
    }
    LOG.info(
        "serving {} on port {} ({}, {} engine)",
        server.registry.names(),
        server.port(),
        server.device,
        Engine.getInstance().getEngineName());
    return server;
  }

  public int port() {
    return http.port();
  }

  public Device device() {
    return device;
  }

  /**
   * Whether every model has a version and every background worker runs (what {@code
   * /v2/health/ready} answers).
   */
  public boolean ready() {
    return registry.ready() && workers.down().isEmpty();
  }

  @Override
  public void close() {
    http.close();
    try {
      refresher.close();
      for (DynamicBatcher batcher : batchers.values()) {
        batcher.close();
      }
      workers.close(Duration.ofSeconds(10));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    registry.close();
  }
}
