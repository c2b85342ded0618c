package org.ctrflow.serving;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.snapshot.ModelUpdateFollower;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Outcome;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Rejected;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Updated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's models current: at start the store's newest valid snapshot of each model,
 * then every event of the model-updates topic (read from its beginning: the compacted topic holds
 * the latest snapshot announcement and delta), through one {@link ModelUpdateFollower} per model. A
 * rejected version is counted and logged, the last good one keeps serving, and the follower resyncs
 * from the store. One supervised worker, {@code model-refresher}, alone installs versions; when it
 * fails it reconnects and goes on after the last event it handled.
 */
final class ModelRefresher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRefresher.class);

  private final ModelRegistry registry;
  private final Map<String, ModelUpdateFollower> followers;
  private final ServingMetrics metrics;
  private final ServingConfig config;
  private final Supervisor workers;

  /** Where to go on after a restart: the offset after the last event handled, by partition. */
  private final Map<TopicPartition, Long> positions = new HashMap<>();

  /** The consumer {@link #start()} connected, until the worker takes it. */
  private KafkaConsumer<byte[], byte[]> connected;

  private Supervisor.Supervised worker;

  private volatile boolean running = true;

  /** The consumer the worker polls, to wake on a stop. */
  private volatile KafkaConsumer<byte[], byte[]> polling;

  ModelRefresher(
      ModelRegistry registry,
      Map<String, ModelUpdateFollower> followers,
      ServingMetrics metrics,
      ServingConfig config,
      Supervisor workers) {
    this.registry = registry;
    this.followers = followers;
    this.metrics = metrics;
    this.config = config;
    this.workers = workers;
  }

  /**
   * Loads the store's newest valid snapshots, then follows the topic if Kafka is configured.
   *
   * @throws IllegalStateException if the topic does not exist (a set-up error, reported at once)
   */
  void start() {
    followers.forEach((name, follower) -> resynced(name, follower, follower.resync()));
    String bootstrap = config.get(ServingConfig.BOOTSTRAP_SERVERS);
    if (bootstrap.isEmpty()) {
      LOG.info("no bootstrap servers: serving the model store's latest snapshots only");
      return;
    }
    connected = connect();
    worker = workers.start("model-refresher", new Poller());
  }

  /** A consumer assigned every partition, at the saved positions (else at the beginning). */
  private KafkaConsumer<byte[], byte[]> connect() {
    String bootstrap = config.get(ServingConfig.BOOTSTRAP_SERVERS);
    Properties props =
        KafkaClientProperties.copy(
            KafkaClientProperties.load(config.get(ServingConfig.KAFKA_PROPERTIES)));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topic.MAX_MESSAGE_BYTES * 2);
    KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(props);
    try {
      String topic = Topic.MODEL_UPDATES.name(config.get(ServingConfig.TOPIC_PREFIX));
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic, Duration.ofSeconds(30)).stream()
              .map(p -> new TopicPartition(topic, p.partition()))
              .toList();
      if (partitions.isEmpty()) {
        throw new IllegalStateException(
            "topic " + topic + " does not exist; create it with 'ctrflow topics create'");
      }
      // Every server reads every update: assigned partitions, no consumer group.
      consumer.assign(partitions);
      for (TopicPartition partition : partitions) {
        Long next = positions.get(partition);
        if (next == null) {
          consumer.seekToBeginning(List.of(partition));
        } else {
          consumer.seek(partition, next);
        }
      }
      return consumer;
    } catch (RuntimeException e) {
      consumer.close(Duration.ZERO);
      throw e;
    }
  }

  /** The refresher's worker: polls until {@link #close()}, which wakes a poll in progress. */
  private final class Poller implements Worker {
    @Override
    public void run(Runnable heartbeat) {
      pollLoop();
    }

    @Override
    public void stop() {
      running = false;
      KafkaConsumer<byte[], byte[]> consumer = polling;
      if (consumer != null) {
        consumer.wakeup();
      }
    }
  }

  private void pollLoop() {
    KafkaConsumer<byte[], byte[]> consumer = connected != null ? connected : connect();
    connected = null;
    polling = consumer;
    Duration poll = config.get(ServingConfig.REFRESH_POLL);
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(poll)) {
          accept(record);
          positions.put(
              new TopicPartition(record.topic(), record.partition()), record.offset() + 1);
        }
      }
    } catch (WakeupException stopped) {
      // stop() woke the poll: the loop's end, not a failure.
    } finally {
      polling = null;
      // An interrupt (a fault) leaves the flag set, which would fail the close.
      Thread.interrupted();
      consumer.close(Duration.ofSeconds(5));
    }
  }

  private void accept(ConsumerRecord<byte[], byte[]> record) {
    long receivedAt = System.currentTimeMillis();
    ModelUpdate update;
    try {
      update = EventSerde.MODEL_UPDATE.deserialize(record.value());
    } catch (InvalidEventException e) {
      metrics.updates.labelValues("", "rejected", "INVALID_EVENT").inc();
      LOG.warn("skipping invalid model update at offset {}: {}", record.offset(), e.getMessage());
      return;
    }
    ModelUpdateFollower follower = followers.get(update.modelName());
    if (follower == null) {
      return; // a model this server does not serve
    }
    // Resync once per lost version, not for every delta that then follows it.
    boolean resync = !follower.awaitingSnapshot();
    Outcome outcome;
    try {
      outcome = follower.accept(update);
    } catch (Throwable e) {
      // An engine failure (or running out of memory while loading) must not end the worker, nor
      // make it fail on this event again after a restart: the last good version keeps serving,
      // and the next delta's gap resyncs.
      metrics.updates.labelValues(update.modelName(), "rejected", "ENGINE_ERROR").inc();
      LOG.error(
          "could not load {} version {}; still serving version {}",
          update.modelName(),
          update.version(),
          follower.version(),
          e);
      return;
    }
    handle(update.modelName(), follower, outcome, resync, receivedAt);
  }

  /**
   * @param receivedAt when the event that completed the version was read, epoch ms; MIN_VALUE when
   *     no event was (a resync at start)
   */
  private void handle(
      String name, ModelUpdateFollower follower, Outcome outcome, boolean resync, long receivedAt) {
    if (outcome instanceof Updated u) {
      install(name, u, receivedAt);
    } else if (outcome instanceof Rejected r) {
      metrics.updates.labelValues(name, "rejected", r.reason().name()).inc();
      LOG.warn(
          "rejected {} version {} ({}): {}; still serving version {}",
          name,
          r.version(),
          r.reason(),
          r.message(),
          follower.version());
      if (resync) {
        resynced(name, follower, follower.resync());
      }
    } else {
      String kind = outcome instanceof ModelUpdateFollower.Pending ? "pending" : "ignored";
      metrics.updates.labelValues(name, kind, "").inc();
    }
  }

  /**
   * Counts and installs what a resync did; when it had to pass over stored versions that do not
   * load, says which version it fell back to.
   */
  private void resynced(String name, ModelUpdateFollower follower, List<Outcome> outcomes) {
    List<Long> unusable = new ArrayList<>();
    for (Outcome outcome : outcomes) {
      handle(name, follower, outcome, false, Long.MIN_VALUE);
      if (outcome instanceof Rejected r) {
        unusable.add(r.version());
      } else if (outcome instanceof Updated u && !unusable.isEmpty()) {
        LOG.warn(
            "{}: stored version(s) {} do not load (see above); falling back to version {}, the"
                + " newest stored one that does",
            name,
            unusable,
            u.info().version());
      }
    }
  }

  private void install(String name, Updated u, long receivedAt) {
    long now = System.currentTimeMillis();
    ModelVersions versions = registry.require(name);
    versions.install(new ModelHandle(u.servable(), u.publishedAt(), now));
    metrics.updates.labelValues(name, "updated", "").inc();
    if (receivedAt != Long.MIN_VALUE) {
      // Separates the transport (trainer -> broker -> this consumer) from the load below.
      metrics
          .refreshLagSeconds
          .labelValues(name, "received")
          .observe((receivedAt - u.publishedAt()) / 1e3);
    }
    metrics.refreshLagSeconds.labelValues(name, "available").observe((now - u.publishedAt()) / 1e3);
    ModelHandle current = versions.peekCurrent();
    metrics.modelVersion.labelValues(name).set(current.version());
    metrics.warmVersions.labelValues(name).set(versions.warmVersions().size());
    LOG.info(
        "{} version {} available ({} published at {}, received after {} ms, loaded in {} ms)",
        name,
        u.info().version(),
        u.source(),
        u.publishedAt(),
        receivedAt == Long.MIN_VALUE ? "-" : receivedAt - u.publishedAt(),
        receivedAt == Long.MIN_VALUE ? "-" : now - receivedAt);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    if (worker != null) {
      worker.close(Duration.ofSeconds(10));
    }
  }
}
