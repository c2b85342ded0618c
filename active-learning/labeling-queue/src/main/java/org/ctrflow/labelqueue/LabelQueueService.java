package org.ctrflow.labelqueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.labelqueue.hooks.HookDispatcher;
import org.ctrflow.labelqueue.hooks.HookRegistry;
import org.ctrflow.labelqueue.hooks.HookTargets;
import org.ctrflow.labelqueue.http.ApiServer;
import org.ctrflow.labelqueue.http.HookRoutes;
import org.ctrflow.labelqueue.http.LabelStudioMapping;
import org.ctrflow.labelqueue.http.TaskRoutes;
import org.ctrflow.labelqueue.http.TokenAuth;
import org.ctrflow.labelqueue.ingest.RequestIngestor;
import org.ctrflow.labelqueue.publish.LabelPublisher;
import org.ctrflow.labelqueue.publish.ParkedLabels;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeling queue service, wired: RocksDB store, Kafka ingestor, label publisher, web hook
 * dispatcher, lease reaper and HTTP server. The background workers run under a {@link Supervisor}:
 * one that fails is restarted with backoff, and the service is ready only while all of them run,
 * are ready (the consumer holds partitions, the publisher's transactions are initialised) and make
 * progress.
 */
public final class LabelQueueService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelQueueService.class);

  /** A failed worker restarts after 0.5 s, doubling per failure in a row up to 30 s. */
  static final Supervisor.Backoff WORKER_BACKOFF =
      new Supervisor.Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));

  private final QueueStore store;
  private final TaskQueue queue;
  private final HookDispatcher dispatcher;
  private final Map<String, Worker> workers = new LinkedHashMap<>();
  private final Supervisor supervisor;
  private final ApiServer server;

  public LabelQueueService(
      QueueOptions o, TokenAuth auth, String inboundSecret, String tlsPassword) {
    o.validate();
    QueueMetrics metrics = new QueueMetrics();
    Properties client = o.kafkaProperties();
    HookTargets targets = HookTargets.of(o.hookAllowedNetworks);
    store = QueueStore.open(o.dataDir);
    HookRegistry hooks = new HookRegistry(store, targets, o.hookDisableAfter);
    ParkedLabels parked = new ParkedLabels(store, metrics);
    LabelPublisher publisher =
        new LabelPublisher(
            o.bootstrapServers,
            client,
            Topic.HUMAN_LABELS.name(o.topicPrefix),
            o.transactionalId(),
            store,
            parked,
            metrics);
    queue = new TaskQueue(store, hooks, o.leaseTimeout, o.taskTtl, o.maxSkips, publisher::signal);
    RequestIngestor ingestor =
        new RequestIngestor(
            o.bootstrapServers,
            client,
            Topic.LABEL_REQUESTS.name(o.topicPrefix),
            o.groupId(),
            queue,
            metrics);
    dispatcher =
        new HookDispatcher(
            hooks, targets, metrics, o.hookTimeout, o.hookBackoffBase, o.hookBackoffMax);
    workers.put("request-ingestor", ingestor);
    workers.put("label-publisher", publisher);
    workers.put("hook-dispatcher", dispatcher);
    workers.put("lease-reaper", new LeaseReaper(queue));
    supervisor =
        new Supervisor(
            WORKER_BACKOFF, o.workerStallTimeout, w -> metrics.workerRestarts.labelValues(w).inc());
    metrics.watch(
        queue::counts,
        () -> store.count(Family.HOOK_OUTBOX),
        () -> store.count(Family.LABEL_OUTBOX),
        this::workersUp);
    var mapping =
        new LabelStudioMapping(
            o.labelStudioSampleField,
            Set.copyOf(o.labelStudioClick),
            Set.copyOf(o.labelStudioNoClick));
    server =
        new ApiServer(
            o.host,
            o.port,
            o.maxBodyBytes,
            o.tlsKeyStore == null ? null : new ApiServer.Tls(o.tlsKeyStore, tlsPassword),
            auth,
            metrics,
            new ApiServer.Readiness() {
              @Override
              public boolean ready() {
                return supervisor.ready();
              }

              @Override
              public Map<String, ?> workers() {
                return supervisor.states();
              }
            },
            new TaskRoutes(queue, parked),
            new HookRoutes(hooks, queue, store, metrics, mapping, inboundSecret));
  }

  /** Starts everything; returns once the HTTP server listens. */
  public LabelQueueService start() {
    workers.forEach(supervisor::start);
    server.start();
    LOG.info("labeling queue listening on port {}", server.port());
    return this;
  }

  private Map<String, Boolean> workersUp() {
    Map<String, Boolean> up = new LinkedHashMap<>();
    supervisor.states().forEach((w, state) -> up.put(w, state == Supervisor.State.UP));
    return up;
  }

  public int port() {
    return server.port();
  }

  public TaskQueue queue() {
    return queue;
  }

  /** Reads a secret from a file, else an environment variable; null when neither is set. */
  public static String secret(java.nio.file.Path file, String env) {
    if (file != null) {
      try {
        return Files.readString(file, StandardCharsets.UTF_8).strip();
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read " + file, e);
      }
    }
    String value = System.getenv(env);
    return value == null || value.isBlank() ? null : value.strip();
  }

  @Override
  public void close() throws Exception {
    server.close();
    boolean stopped = supervisor.close(Duration.ofSeconds(30));
    dispatcher.close();
    if (!stopped) {
      // Closing RocksDB under a running thread would crash the JVM; the process is ending anyway.
      LOG.error("leaving the queue database open: a worker is still running");
      return;
    }
    store.close();
  }
}
