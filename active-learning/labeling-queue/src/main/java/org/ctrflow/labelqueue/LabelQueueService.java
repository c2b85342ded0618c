package org.ctrflow.labelqueue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.labelqueue.hooks.HookDispatcher;
import org.ctrflow.labelqueue.hooks.HookRegistry;
import org.ctrflow.labelqueue.http.ApiServer;
import org.ctrflow.labelqueue.http.HookRoutes;
import org.ctrflow.labelqueue.http.LabelStudioMapping;
import org.ctrflow.labelqueue.http.TaskRoutes;
import org.ctrflow.labelqueue.http.TokenAuth;
import org.ctrflow.labelqueue.ingest.RequestIngestor;
import org.ctrflow.labelqueue.publish.LabelPublisher;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The labeling queue service, wired: RocksDB store, Kafka ingestor, label publisher, web hook
 * dispatcher, lease reaper and HTTP server. Ready once the consumer holds partitions and the
 * publisher's transactions are initialised.
 */
public final class LabelQueueService implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelQueueService.class);

  private final QueueStore store;
  private final TaskQueue queue;
  private final RequestIngestor ingestor;
  private final LabelPublisher publisher;
  private final HookDispatcher dispatcher;
  private final ApiServer server;
  private final ScheduledExecutorService reaper;
  private final Thread[] threads;

  public LabelQueueService(
      QueueOptions o, TokenAuth auth, String inboundSecret, String tlsPassword) {
    o.validate();
    QueueMetrics metrics = new QueueMetrics();
    store = QueueStore.open(o.dataDir);
    HookRegistry hooks = new HookRegistry(store, o.hookDisableAfter);
    publisher =
        new LabelPublisher(
            o.bootstrapServers,
            Topic.HUMAN_LABELS.name(o.topicPrefix),
            o.transactionalId(),
            store,
            metrics);
    queue = new TaskQueue(store, hooks, o.leaseTimeout, o.taskTtl, o.maxSkips, publisher::signal);
    ingestor =
        new RequestIngestor(
            o.bootstrapServers,
            Topic.LABEL_REQUESTS.name(o.topicPrefix),
            o.groupId(),
            queue,
            metrics);
    dispatcher =
        new HookDispatcher(
            store, hooks, metrics, o.hookTimeout, o.hookBackoffBase, o.hookBackoffMax, 4);
    metrics.watch(
        queue::counts,
        () -> store.count(Family.HOOK_OUTBOX),
        () -> store.count(Family.LABEL_OUTBOX));
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
            () -> ingestor.ready() && publisher.ready(),
            new TaskRoutes(queue),
            new HookRoutes(hooks, dispatcher, queue, store, metrics, mapping, inboundSecret));
    reaper = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "lease-reaper"));
    threads =
        new Thread[] {
          daemon(ingestor, "request-ingestor"),
          daemon(publisher, "label-publisher"),
          daemon(dispatcher, "hook-dispatcher")
        };
  }

  /** Starts everything; returns once the HTTP server listens. */
  public LabelQueueService start() {
    for (Thread t : threads) {
      t.start();
    }
    reaper.scheduleWithFixedDelay(
        () -> {
          try {
            queue.reap(System.currentTimeMillis());
          } catch (RuntimeException e) {
            LOG.error("lease reaper failed", e);
          }
        },
        1,
        1,
        TimeUnit.SECONDS);
    server.start();
    LOG.info("labeling queue listening on port {}", server.port());
    return this;
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
    reaper.shutdownNow();
    ingestor.close();
    publisher.close();
    dispatcher.close();
    for (Thread t : threads) {
      t.join(10_000);
    }
    publisher.closeProducer();
    store.close();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
