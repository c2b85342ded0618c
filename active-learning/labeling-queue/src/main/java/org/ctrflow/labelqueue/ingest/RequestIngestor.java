package org.ctrflow.labelqueue.ingest;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.TaskQueue;
import org.ctrflow.labelqueue.TaskRules;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Consumes {@code LabelRequest}s into the task queue. Offsets are committed only after the batch is
 * in RocksDB's synced write-ahead log: a kill between the two re-delivers the batch, and the queue,
 * idempotent on sample id, ignores what it already has. Nothing is lost, nothing doubled.
 *
 * <p>Each {@link #run} has a consumer of its own: after a failure (a commit that timed out on a
 * stalled broker, a commit refused because the group moved on) the supervisor runs it again, and
 * the new consumer resumes from the last committed offsets.
 */
public final class RequestIngestor implements Worker {

  private static final Logger LOG = LoggerFactory.getLogger(RequestIngestor.class);

  private final Properties consumerProps;
  private final String topic;
  private final TaskQueue queue;
  private final QueueMetrics metrics;
  private volatile boolean running = true;
  private volatile boolean assigned;
  private volatile KafkaConsumer<byte[], byte[]> consumer;

  public RequestIngestor(
      String bootstrapServers,
      Properties client,
      String topic,
      String groupId,
      TaskQueue queue,
      QueueMetrics metrics) {
    Properties p = KafkaClientProperties.copy(client);
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
    this.consumerProps = p;
    this.topic = topic;
    this.queue = queue;
    this.metrics = metrics;
  }

  /** True while the consumer is in its group and holds partitions. */
  @Override
  public boolean ready() {
    return assigned;
  }

  @Override
  public void run(Runnable heartbeat) {
    KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(
            consumerProps, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    consumer = c;
    try {
      c.subscribe(List.of(topic));
      while (running) {
        ConsumerRecords<byte[], byte[]> records = c.poll(Duration.ofMillis(200));
        assigned = !c.assignment().isEmpty();
        heartbeat.run();
        if (!records.isEmpty()) {
          ingest(records);
          c.commitSync(offsets(records));
        }
      }
    } catch (WakeupException e) {
      if (running) {
        throw e;
      }
    } finally {
      assigned = false;
      consumer = null;
      c.close(Duration.ofSeconds(5));
    }
  }

  private void ingest(ConsumerRecords<byte[], byte[]> records) {
    List<LabelRequest> requests = new ArrayList<>(records.count());
    for (ConsumerRecord<byte[], byte[]> r : records) {
      try {
        LabelRequest request = EventSerde.LABEL_REQUEST.deserialize(r.value());
        TaskRules.requireQueueable(request);
        requests.add(request);
      } catch (InvalidEventException e) {
        metrics.invalidRequests.inc();
        LOG.warn(
            "skipping invalid label request at {}-{}@{}: {}",
            r.topic(),
            r.partition(),
            r.offset(),
            e.getMessage());
      }
    }
    int added = queue.ingest(requests, System.currentTimeMillis());
    metrics.tasksIngested.inc(added);
    metrics.duplicateRequests.inc(requests.size() - added);
  }

  private static Map<TopicPartition, OffsetAndMetadata> offsets(
      ConsumerRecords<byte[], byte[]> records) {
    Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : records) {
      offsets.put(
          new TopicPartition(r.topic(), r.partition()), new OffsetAndMetadata(r.offset() + 1));
    }
    return offsets;
  }

  @Override
  public void stop() {
    running = false;
    KafkaConsumer<byte[], byte[]> c = consumer;
    if (c != null) {
      c.wakeup();
    }
  }
}
