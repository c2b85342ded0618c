package org.ctrflow.labelqueue;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * Fault injection through Kafka's own client hook ({@code interceptor.classes} in the queue's
 * {@code --kafka-properties}): once armed, the first consumer to receive records of a topic runs
 * the stall (freezes the broker) before it gets them, so the queue's ingestor holds records it
 * cannot commit. Also a producer interceptor that changes nothing, since every client of the queue
 * reads the same properties.
 */
public final class StallingInterceptor
    implements ConsumerInterceptor<byte[], byte[]>, ProducerInterceptor<byte[], byte[]> {

  private static final AtomicReference<Map.Entry<String, Runnable>> ARMED = new AtomicReference<>();

  /** Runs {@code stall} once, when a consumer next receives records of {@code topic}. */
  static void arm(String topic, Runnable stall) {
    ARMED.set(Map.entry(topic, stall));
  }

  @Override
  public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
    Map.Entry<String, Runnable> armed = ARMED.get();
    if (armed != null
        && records.records(armed.getKey()).iterator().hasNext()
        && ARMED.compareAndSet(armed, null)) {
      armed.getValue().run();
    }
    return records;
  }

  @Override
  public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {}

  @Override
  public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
    return record;
  }

  @Override
  public void onAcknowledgement(RecordMetadata metadata, Exception exception) {}

  @Override
  public void close() {}

  @Override
  public void configure(Map<String, ?> configs) {}
}
