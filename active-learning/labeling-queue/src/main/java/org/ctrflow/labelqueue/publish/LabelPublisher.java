package org.ctrflow.labelqueue.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves human labels from the RocksDB outbox to the human-labels topic, exactly once.
 *
 * <p>Each round sends the outbox's labels in one Kafka transaction, commits it, then deletes them
 * from the outbox. A kill after the commit but before the delete leaves labels in the outbox that
 * are already in the topic; so on start, after {@code initTransactions} (which aborts a transaction
 * the killed process left open), the publisher reads the topic's committed records written since
 * the oldest outbox label and drops those labels from the outbox. A sample is labeled once, so its
 * sample id identifies its label.
 */
public final class LabelPublisher implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LabelPublisher.class);
  private static final int MAX_BATCH = 500;

  /** Clock skew allowance between this host and the broker's record timestamps. */
  private static final long SCAN_MARGIN_MS = 60_000;

  private final String bootstrapServers;
  private final String topic;
  private final QueueStore store;
  private final QueueMetrics metrics;
  private final KafkaProducer<byte[], byte[]> producer;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private volatile boolean running = true;
  private volatile boolean ready;

  public LabelPublisher(
      String bootstrapServers,
      String topic,
      String transactionalId,
      QueueStore store,
      QueueMetrics metrics) {
    this.bootstrapServers = bootstrapServers;
    this.topic = topic;
    this.store = store;
    this.metrics = metrics;
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    this.producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** True once the transactions are initialised and the outbox deduplicated. */
  public boolean ready() {
    return ready;
  }

  /** Wakes the publisher: a label entered the outbox. */
  public void signal() {
    lock.lock();
    try {
      added.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void run() {
    try {
      producer.initTransactions();
      dropAlreadyPublished();
      ready = true;
      while (running) {
        Map<Long, byte[]> batch = readOutbox(MAX_BATCH);
        if (batch.isEmpty()) {
          awaitSignal();
          continue;
        }
        producer.beginTransaction();
        for (byte[] value : batch.values()) {
          HumanLabel label = EventSerde.HUMAN_LABEL.deserialize(value);
          producer.send(
              new ProducerRecord<>(
                  topic, label.sampleId().getBytes(StandardCharsets.UTF_8), value));
        }
        producer.commitTransaction();
        try (WriteBatch delete = new WriteBatch()) {
          for (long seq : batch.keySet()) {
            store.delete(
                delete, Family.LABEL_OUTBOX, org.ctrflow.labelqueue.store.TaskKeys.sequence(seq));
          }
          store.write(delete);
        }
        metrics.labelsPublished.inc(batch.size());
      }
    } catch (org.apache.kafka.common.errors.InterruptException e) {
      if (running) {
        throw e;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void awaitSignal() throws InterruptedException {
    lock.lock();
    try {
      added.await(200, TimeUnit.MILLISECONDS);
    } finally {
      lock.unlock();
    }
  }

  private Map<Long, byte[]> readOutbox(int max) {
    Map<Long, byte[]> out = new java.util.LinkedHashMap<>();
    store.scan(
        Family.LABEL_OUTBOX,
        null,
        (k, v) -> {
          out.put(org.ctrflow.labelqueue.store.TaskKeys.sequenceOf(k), v);
          return out.size() < max;
        });
    return out;
  }

  /** Removes outbox labels a killed predecessor committed to the topic but did not delete. */
  private void dropAlreadyPublished() {
    Map<Long, byte[]> outbox = readOutbox(Integer.MAX_VALUE);
    if (outbox.isEmpty()) {
      return;
    }
    long oldest = Long.MAX_VALUE;
    Map<String, Long> seqBySample = new HashMap<>();
    for (Map.Entry<Long, byte[]> e : outbox.entrySet()) {
      HumanLabel label = EventSerde.HUMAN_LABEL.deserialize(e.getValue());
      seqBySample.put(label.sampleId(), e.getKey());
      oldest = Math.min(oldest, label.labeledAt());
    }
    Set<String> published = publishedSince(oldest - SCAN_MARGIN_MS, seqBySample.keySet());
    if (published.isEmpty()) {
      LOG.info("{} labels in the outbox, none published yet", outbox.size());
      return;
    }
    try (WriteBatch delete = new WriteBatch()) {
      for (String sample : published) {
        store.delete(
            delete,
            Family.LABEL_OUTBOX,
            org.ctrflow.labelqueue.store.TaskKeys.sequence(seqBySample.get(sample)));
      }
      store.write(delete);
    }
    metrics.labelsDeduplicated.inc(published.size());
    LOG.info(
        "{} of {} outbox labels were already committed to {} before a restart; not re-sending them",
        published.size(),
        outbox.size(),
        topic);
  }

  private Set<String> publishedSince(long timestamp, Set<String> wanted) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "labeling-queue-dedupe-" + UUID.randomUUID());
    Set<String> found = new HashSet<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> parts = new ArrayList<>();
      for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(30))) {
        parts.add(new TopicPartition(topic, info.partition()));
      }
      c.assign(parts);
      Map<TopicPartition, Long> query = new HashMap<>();
      parts.forEach(tp -> query.put(tp, Math.max(0, timestamp)));
      Map<TopicPartition, OffsetAndTimestamp> starts =
          c.offsetsForTimes(query, Duration.ofSeconds(30));
      Map<TopicPartition, Long> ends = c.endOffsets(parts, Duration.ofSeconds(30));
      Map<TopicPartition, Long> remaining = new HashMap<>();
      for (TopicPartition tp : parts) {
        OffsetAndTimestamp start = starts.get(tp);
        long from = start == null ? ends.get(tp) : start.offset();
        c.seek(tp, from);
        if (from < ends.get(tp)) {
          remaining.put(tp, ends.get(tp));
        }
      }
      long deadline = System.currentTimeMillis() + 60_000;
      while (!remaining.isEmpty()) {
        if (System.currentTimeMillis() > deadline) {
          throw new IllegalStateException("could not read " + topic + " to its end within 60 s");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
          if (key != null && wanted.contains(key)) {
            found.add(key);
          }
        }
        remaining.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
      }
    }
    return found;
  }

  @Override
  public void close() {
    running = false;
    signal();
  }

  /** Closes the producer; call after the publishing thread ended. */
  public void closeProducer() {
    producer.close(Duration.ofSeconds(5));
  }
}
