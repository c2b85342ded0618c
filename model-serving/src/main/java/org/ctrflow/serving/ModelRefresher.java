package org.ctrflow.serving;

import java.time.Duration;
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
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.snapshot.ModelUpdateFollower;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Outcome;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Rejected;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Updated;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the registry's models current: at start the store's latest snapshot of each model, then
 * every event of the model-updates topic (read from its beginning: the compacted topic holds the
 * latest snapshot announcement and delta), through one {@link ModelUpdateFollower} per model. A
 * rejected version is counted and logged, the last good one keeps serving, and the follower resyncs
 * from the store. One thread; it alone installs versions.
 */
final class ModelRefresher implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ModelRefresher.class);

  private final ModelRegistry registry;
  private final Map<String, ModelUpdateFollower> followers;
  private final ServingMetrics metrics;
  private final ServingConfig config;
  private KafkaConsumer<byte[], byte[]> consumer;
  private Thread thread;
  private volatile boolean running;

  ModelRefresher(
      ModelRegistry registry,
      Map<String, ModelUpdateFollower> followers,
      ServingMetrics metrics,
      ServingConfig config) {
    this.registry = registry;
    this.followers = followers;
    this.metrics = metrics;
    this.config = config;
  }

  /** Loads the store's latest snapshots, then follows the topic if Kafka is configured. */
  void start() {
    followers.forEach(
        (name, follower) -> handle(name, follower, follower.resync(), false, Long.MIN_VALUE));
    String bootstrap = config.get(ServingConfig.BOOTSTRAP_SERVERS);
    if (bootstrap.isEmpty()) {
      LOG.info("no bootstrap servers: serving the model store's latest snapshots only");
      return;
    }
    Properties props =
        KafkaClientProperties.copy(
            KafkaClientProperties.load(config.get(ServingConfig.KAFKA_PROPERTIES)));
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(
        ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Topic.MAX_MESSAGE_BYTES * 2);
    consumer = new KafkaConsumer<>(props);
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
    consumer.seekToBeginning(partitions);
    running = true;
    thread = new Thread(this::pollLoop, "model-refresher");
    thread.setDaemon(true);
    thread.start();
  }

  private void pollLoop() {
    Duration poll = Duration.ofMillis(config.get(ServingConfig.POLL_MILLIS));
    try {
      while (running) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(poll)) {
          accept(record);
        }
      }
    } catch (WakeupException e) {
      // close() woke the consumer up.
    } finally {
      consumer.close();
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
    } catch (RuntimeException e) {
      // An engine failure must not end this thread (the server would stay on a stale version
      // unnoticed): the last good version keeps serving, and the next delta's gap resyncs.
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
      if (resync && follower.resync() instanceof Updated u) {
        install(name, u, Long.MIN_VALUE);
      }
    } else {
      String kind = outcome instanceof ModelUpdateFollower.Pending ? "pending" : "ignored";
      metrics.updates.labelValues(name, kind, "").inc();
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
    if (consumer != null) {
      consumer.wakeup();
      thread.join(10_000);
    }
  }
}
