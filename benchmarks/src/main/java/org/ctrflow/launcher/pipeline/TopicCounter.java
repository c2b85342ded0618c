package org.ctrflow.launcher.pipeline;

import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Reads a topic without a consumer group, counting records. */
final class TopicCounter implements AutoCloseable {
  private final KafkaConsumer<byte[], byte[]> consumer;
  private long count;

  TopicCounter(String bootstrap, String topic, String isolation) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    List<TopicPartition> partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new TopicPartition(p.topic(), p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
  }

  void seekToEnd() {
    consumer.seekToEnd(consumer.assignment());
    consumer.assignment().forEach(consumer::position);
  }

  long poll() {
    poll(v -> {});
    return count;
  }

  void poll(Consumer<byte[]> each) {
    for (var r : consumer.poll(Duration.ofMillis(50))) {
      count++;
      each.accept(r.value());
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
