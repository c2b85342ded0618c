package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.topics.Topic;

/**
 * Reads what the jobs publish and tells the {@link StatusBoard}: training reports (metrics topic),
 * model versions (model-updates), and human-labeled examples (labeled-examples, source {@code
 * human}). A human example counts as trained on once the training job's consumer group has
 * committed an offset past it, which the job does on each completed checkpoint: that is a label's
 * round trip from request to training. Reads committed data only, from the start of each topic,
 * without a consumer group of its own.
 */
final class TopicWatcher implements AutoCloseable {

  private static final Duration POLL = Duration.ofMillis(500);
  private static final long ROUND_TRIP_CHECK_MS = 2_000;

  private final StatusBoard board;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Admin admin;
  private final String metricsTopic;
  private final String updatesTopic;
  private final String examplesTopic;
  private final String trainingGroup;
  private final Map<Integer, List<Long>> humanOffsets = new HashMap<>();
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final Thread thread;
  private long humanSeen;
  private volatile IOException failure;

  /**
   * @param trainingGroup the training job's Kafka consumer group
   */
  TopicWatcher(StatusBoard board, String bootstrap, String prefix, String trainingGroup) {
    this.board = board;
    this.metricsTopic = Topic.METRICS.name(prefix);
    this.updatesTopic = Topic.MODEL_UPDATES.name(prefix);
    this.examplesTopic = Topic.LABELED_EXAMPLES.name(prefix);
    this.trainingGroup = trainingGroup;
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.CLIENT_ID_CONFIG, "ctrflow-demo-watcher");
    this.consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer());
    Properties adminProps = new Properties();
    adminProps.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    this.admin = Admin.create(adminProps);
    this.thread = new Thread(this::run, "demo-topic-watcher");
    thread.setDaemon(true);
  }

  TopicWatcher start() {
    List<TopicPartition> partitions = new ArrayList<>();
    for (String topic : List.of(metricsTopic, updatesTopic, examplesTopic)) {
      consumer
          .partitionsFor(topic)
          .forEach(p -> partitions.add(new TopicPartition(topic, p.partition())));
    }
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    thread.start();
    return this;
  }

  /** The first malformed record met, if any (the watcher keeps going past it). */
  IOException failure() {
    return failure;
  }

  private void run() {
    long nextCheck = 0;
    try {
      while (running.get()) {
        for (ConsumerRecord<String, byte[]> r : consumer.poll(POLL)) {
          handle(r);
        }
        long now = System.currentTimeMillis();
        if (now >= nextCheck) {
          board.humanExamples(humanSeen, trainedHumanExamples());
          nextCheck = now + ROUND_TRIP_CHECK_MS;
        }
      }
    } catch (WakeupException stopping) {
      // close() woke the poll.
    } finally {
      consumer.close(Duration.ofSeconds(2));
    }
  }

  void handle(ConsumerRecord<String, byte[]> r) {
    try {
      if (r.topic().equals(metricsTopic)) {
        ModelProgress report = TrainingReport.parse(r.key(), r.value());
        if (report != null) {
          board.trainingReport(report);
        }
      } else if (r.topic().equals(updatesTopic)) {
        ModelUpdate u = EventSerde.MODEL_UPDATE.deserialize(r.value());
        board.versionPublished(u.modelName(), u.version(), u.publishedAt());
      } else if (r.topic().equals(examplesTopic)) {
        LabeledExample e = EventSerde.LABELED_EXAMPLE.deserialize(r.value());
        if (e.source() == LabelSource.HUMAN) {
          humanSeen++;
          humanOffsets.computeIfAbsent(r.partition(), p -> new ArrayList<>()).add(r.offset());
        }
      }
    } catch (RuntimeException e) {
      if (failure == null) {
        failure =
            new IOException(
                "unreadable record on " + r.topic() + " at offset " + r.offset() + ": " + e, e);
      }
    }
  }

  /** Human examples below the training group's committed offset of their partition. */
  private long trainedHumanExamples() {
    if (humanOffsets.isEmpty()) {
      return 0;
    }
    Map<TopicPartition, OffsetAndMetadata> committed;
    try {
      committed =
          admin
              .listConsumerGroupOffsets(trainingGroup)
              .partitionsToOffsetAndMetadata()
              .get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return 0;
    }
    long trained = 0;
    for (Map.Entry<Integer, List<Long>> e : humanOffsets.entrySet()) {
      OffsetAndMetadata c = committed.get(new TopicPartition(examplesTopic, e.getKey()));
      if (c != null) {
        trained += e.getValue().stream().filter(o -> o < c.offset()).count();
      }
    }
    return trained;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    consumer.wakeup();
    thread.join(5_000);
    admin.close(Duration.ofSeconds(2));
  }
}
