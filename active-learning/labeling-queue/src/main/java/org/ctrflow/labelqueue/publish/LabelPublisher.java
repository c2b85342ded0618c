package org.ctrflow.labelqueue.publish;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
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
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
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
 *
 * <p>A failure in the middle (a commit that timed out on a stalled broker, a fenced producer) is
 * handled the same way: each {@link #run} creates its producer, so the supervisor's next run starts
 * with {@code initTransactions} and the deduplication, as after a kill. An outbox entry that is not
 * a publishable label is parked ({@link ParkedLabels}), never retried forever.
 */
public final class LabelPublisher implements Worker {

  private static final Logger LOG = LoggerFactory.getLogger(LabelPublisher.class);
  private static final int MAX_BATCH = 500;

  /** Clock skew allowance between this host and the broker's record timestamps. */
  private static final long SCAN_MARGIN_MS = 60_000;

  private final Properties client;
  private final Properties producerProps;
  private final String topic;
  private final QueueStore store;
  private final ParkedLabels parked;
  private final QueueMetrics metrics;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition added = lock.newCondition();
  private volatile boolean running = true;
  private volatile boolean ready;

  public LabelPublisher(
      String bootstrapServers,
      Properties client,
      String topic,
      String transactionalId,
      QueueStore store,
      ParkedLabels parked,
      QueueMetrics metrics) {
    this.client = KafkaClientProperties.copy(client);
    this.client.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    this.topic = topic;
    this.store = store;
    this.parked = parked;
    this.metrics = metrics;
    Properties p = KafkaClientProperties.copy(this.client);
    p.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    p.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
    p.put(ProducerConfig.ACKS_CONFIG, "all");
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    this.producerProps = p;
  }

  /** True once the transactions are initialised and the outbox deduplicated. */
  @Override
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
  public void run(Runnable heartbeat) throws InterruptedException {
    KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(producerProps, new ByteArraySerializer(), new ByteArraySerializer());
    boolean failed = true;
    try {
      producer.initTransactions();
      heartbeat.run();
      dropAlreadyPublished(heartbeat);
      ready = true;
      while (running) {
        heartbeat.run();
        Map<Long, Outgoing> batch = readOutbox(MAX_BATCH);
        if (batch.isEmpty()) {
          awaitSignal();
          continue;
        }
        producer.beginTransaction();
        for (Outgoing o : batch.values()) {
          producer.send(
              new ProducerRecord<>(
                  topic, o.label().sampleId().getBytes(StandardCharsets.UTF_8), o.bytes()));
        }
        producer.commitTransaction();
        try (WriteBatch delete = new WriteBatch()) {
          for (long seq : batch.keySet()) {
            store.delete(delete, Family.LABEL_OUTBOX, TaskKeys.sequence(seq));
          }
          store.write(delete);
        }
        metrics.labelsPublished.inc(batch.size());
      }
      failed = false;
    } finally {
      ready = false;
      // After a failure the transaction in flight is abandoned: the next run's initTransactions
      // aborts it (or finds it committed, which the deduplication then sees).
      producer.close(failed ? Duration.ZERO : Duration.ofSeconds(5));
    }
  }

  private void awaitSignal() throws InterruptedException {
    lock.lock();
    try {
      if (running) {
        added.await(200, TimeUnit.MILLISECONDS);
      }
    } finally {
      lock.unlock();
    }
  }

  /** An outbox label: parsed, and as stored (what is sent). */
  private record Outgoing(HumanLabel label, byte[] bytes) {}

  /** Up to {@code max} outbox labels by sequence; parks entries that cannot be published. */
  private Map<Long, Outgoing> readOutbox(int max) {
    Map<Long, Outgoing> out = new LinkedHashMap<>();
    Map<Long, byte[]> unpublishable = new LinkedHashMap<>();
    Map<Long, String> reasons = new HashMap<>();
    store.scan(
        Family.LABEL_OUTBOX,
        null,
        (k, v) -> {
          long seq = TaskKeys.sequenceOf(k);
          try {
            out.put(seq, new Outgoing(EventSerde.HUMAN_LABEL.deserialize(v), v));
          } catch (InvalidEventException e) {
            unpublishable.put(seq, v);
            reasons.put(seq, e.getMessage());
          }
          return out.size() < max;
        });
    unpublishable.forEach((seq, v) -> parked.park(seq, v, reasons.get(seq)));
    return out;
  }

  /** Removes outbox labels a predecessor committed to the topic but did not delete. */
  private void dropAlreadyPublished(Runnable heartbeat) {
    Map<Long, Outgoing> outbox = readOutbox(Integer.MAX_VALUE);
    if (outbox.isEmpty()) {
      return;
    }
    long oldest = Long.MAX_VALUE;
    Map<String, Long> seqBySample = new HashMap<>();
    for (Map.Entry<Long, Outgoing> e : outbox.entrySet()) {
      seqBySample.put(e.getValue().label().sampleId(), e.getKey());
      oldest = Math.min(oldest, e.getValue().label().labeledAt());
    }
    Set<String> published =
        publishedSince(oldest - SCAN_MARGIN_MS, seqBySample.keySet(), heartbeat);
    if (published.isEmpty()) {
      LOG.info("{} labels in the outbox, none published yet", outbox.size());
      return;
    }
    try (WriteBatch delete = new WriteBatch()) {
      for (String sample : published) {
        store.delete(delete, Family.LABEL_OUTBOX, TaskKeys.sequence(seqBySample.get(sample)));
      }
      store.write(delete);
    }
    metrics.labelsDeduplicated.inc(published.size());
    LOG.info(
        "{} of {} outbox labels were already committed to {}; not re-sending them",
        published.size(),
        outbox.size(),
        topic);
  }

  private Set<String> publishedSince(long timestamp, Set<String> wanted, Runnable heartbeat) {
    // No group: partitions are assigned and sought, nothing is committed, so the component's
    // KafkaUser needs no ACL for a throw-away group.
    Properties p = KafkaClientProperties.copy(client);
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
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
        heartbeat.run();
        remaining.entrySet().removeIf(e -> c.position(e.getKey()) >= e.getValue());
      }
    }
    return found;
  }

  @Override
  public void stop() {
    running = false;
    signal();
  }
}
