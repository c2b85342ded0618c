package org.ctrflow.connectors.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/** Writing raw records to a topic and reading back what exactly-once jobs committed. */
public final class TopicRecords {

  private TopicRecords() {}

  /** A key (may be null) and value to write. */
  public record Entry(String key, byte[] value) {
    public static Entry of(String key, byte[] value) {
      return new Entry(key, value);
    }
  }

  /** Writes {@code entries} in order and waits until the broker has them all. */
  public static void write(String bootstrap, String topic, List<Entry> entries) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(props)) {
      for (Entry e : entries) {
        byte[] key = e.key() == null ? null : e.key().getBytes(StandardCharsets.UTF_8);
        producer.send(new ProducerRecord<>(topic, key, e.value()));
      }
      producer.flush();
    }
  }

  /**
   * The values committed to {@code topic}, read with {@code read_committed} until at least {@code
   * expected} arrived and then 2 s more (so a duplicate would show), or for at most {@code wait}.
   */
  public static List<byte[]> readCommitted(
      String bootstrap, String topic, int expected, Duration wait) {
    return read(bootstrap, topic, expected, wait, "read_committed");
  }

  /** As {@link #readCommitted}, with the given isolation level. */
  public static List<byte[]> read(
      String bootstrap, String topic, int expected, Duration wait, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<byte[]> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      assignAll(consumer, topic);
      long deadline = System.nanoTime() + wait.toNanos();
      long quietUntil = Long.MAX_VALUE;
      while (System.nanoTime() < Math.min(deadline, quietUntil)) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
        if (values.size() >= expected && quietUntil == Long.MAX_VALUE) {
          quietUntil = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        }
      }
    }
    return values;
  }

  /**
   * Every value on {@code topic} up to its end offsets as of this call (for {@code read_committed}
   * the last stable offset): what a finished job left there, without waiting for a quiet period.
   * Fails when that end is not reached within {@code wait}.
   */
  public static List<byte[]> readToEnd(
      String bootstrap, String topic, String isolation, Duration wait) {
    return readRecordsToEnd(bootstrap, topic, isolation, wait).stream()
        .map(ConsumerRecord::value)
        .toList();
  }

  /** As {@link #readToEnd}, the whole records (timestamps, keys, coordinates). */
  public static List<ConsumerRecord<byte[], byte[]>> readRecordsToEnd(
      String bootstrap, String topic, String isolation, Duration wait) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    props.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, Integer.toString(4 << 20));
    List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      assignAll(consumer, topic);
      Map<TopicPartition, Long> end = consumer.endOffsets(consumer.assignment());
      long deadline = System.nanoTime() + wait.toNanos();
      while (end.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
        if (System.nanoTime() > deadline) {
          throw new IllegalStateException(
              "read "
                  + records.size()
                  + " records of "
                  + topic
                  + " in "
                  + wait
                  + " but not up to its end offsets "
                  + end);
        }
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
      }
    }
    return records;
  }

  /**
   * Assigns every partition of {@code topic} from its beginning. No consumer group, so nothing
   * waits on a group rebalance, which took seconds on a loaded machine.
   */
  public static void assignAll(KafkaConsumer<?, ?> consumer, String topic) {
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }
}
