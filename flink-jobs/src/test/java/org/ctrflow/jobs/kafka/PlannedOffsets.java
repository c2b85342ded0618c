package org.ctrflow.jobs.kafka;

import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;

/**
 * The end offsets an empty topic will have once keyed records are written to it, known before they
 * are written: a bounded source that stops there keeps reading while a test writes its input in
 * steps, so the test, not the clock, decides what the job has seen when (for example, a second half
 * only after a checkpoint completed). Valid for a fresh topic written by a non-transactional
 * producer with the default partitioner (murmur2 of the key), whose offsets have no gaps.
 */
public final class PlannedOffsets {

  private final String topic;
  private final int partitions;
  private final Map<TopicPartition, Long> end = new HashMap<>();

  public PlannedOffsets(String topic, int partitions) {
    this.topic = topic;
    this.partitions = partitions;
    for (int p = 0; p < partitions; p++) {
      end.put(new TopicPartition(topic, p), 0L);
    }
  }

  /** Counts records with these keys (none may be null) as written. */
  public PlannedOffsets plan(List<String> keys) {
    for (String key : keys) {
      if (key == null) {
        throw new IllegalArgumentException("a record without a key has no predictable partition");
      }
      int p = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
      end.merge(new TopicPartition(topic, p), 1L, Long::sum);
    }
    return this;
  }

  /** Stops a bounded source at the planned end. */
  public OffsetsInitializer stopping() {
    return OffsetsInitializer.offsets(Map.copyOf(end));
  }

  /** Fails unless the topic's end offsets are the planned ones (all input written). */
  public void verify(String bootstrap) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      Map<TopicPartition, Long> actual = consumer.endOffsets(end.keySet());
      if (!actual.equals(end)) {
        throw new IllegalStateException(
            "end offsets of " + topic + " are " + actual + ", planned " + end);
      }
    }
  }
}
