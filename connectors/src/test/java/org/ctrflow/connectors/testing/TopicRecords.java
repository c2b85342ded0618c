package org.ctrflow.connectors.testing;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
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
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + UUID.randomUUID());
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    List<byte[]> values = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(topic));
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
}
