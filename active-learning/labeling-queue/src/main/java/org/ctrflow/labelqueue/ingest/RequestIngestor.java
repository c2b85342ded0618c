package org.ctrflow.labelqueue.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.TaskQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code LabelRequest}s into the task queue. Offsets are committed only after the batch is
 * in RocksDB's synced write-ahead log: a kill between the two re-delivers the batch, and the queue,
 * idempotent on sample id, ignores what it already has. Nothing is lost, nothing doubled.
 */
public final class RequestIngestor implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(RequestIngestor.class);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final String topic;
  private final TaskQueue queue;
  private final QueueMetrics metrics;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private volatile boolean assigned;

  public RequestIngestor(
      String bootstrapServers,
      String topic,
      String groupId,
      TaskQueue queue,
      QueueMetrics metrics) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
    // Static membership: a restarted service (same data directory, same id) takes its partitions
    // back at once instead of waiting for its killed predecessor's session to time out.
    p.put(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG, groupId + "-instance");
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // Upstream producers may be transactional (the scoring job): read what they committed only.
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "1000");
    this.consumer =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    this.topic = topic;
    this.queue = queue;
    this.metrics = metrics;
  }

  /** True once the consumer has joined its group and holds partitions. */
  public boolean ready() {
    return assigned;
  }

  @Override
  public void run() {
    try {
      consumer.subscribe(List.of(topic));
      while (running.get()) {
        ConsumerRecords<byte[], byte[]> records = consumer.poll(Duration.ofMillis(200));
        assigned = !consumer.assignment().isEmpty();
        if (records.isEmpty()) {
          continue;
        }
        List<LabelRequest> requests = new ArrayList<>(records.count());
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        for (ConsumerRecord<byte[], byte[]> r : records) {
          try {
            requests.add(EventSerde.LABEL_REQUEST.deserialize(r.value()));
          } catch (InvalidEventException e) {
            metrics.invalidRequests.inc();
            LOG.warn(
                "skipping invalid label request at {}-{}@{}: {}",
                r.topic(),
                r.partition(),
                r.offset(),
                e.getMessage());
          }
          offsets.put(
              new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
        }
        int added = queue.ingest(requests, System.currentTimeMillis());
        metrics.tasksIngested.inc(added);
        metrics.duplicateRequests.inc(requests.size() - added);
        consumer.commitSync(offsets);
      }
    } catch (WakeupException e) {
      if (running.get()) {
        throw e;
      }
    } finally {
      consumer.close(Duration.ofSeconds(5));
    }
  }

  @Override
  public void close() {
    running.set(false);
    consumer.wakeup();
  }
}
