package org.ctrflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.testing.TopicRecords;

/**
 * A {@code read_committed} consumer that accumulates a topic's events as a running job commits
 * them; waits are for a condition on what arrived, with a generous deadline, never a fixed sleep.
 */
public final class CommittedEvents<T extends Event> implements AutoCloseable {

  private static final Duration DEADLINE = Duration.ofSeconds(180);

  private final KafkaConsumer<byte[], byte[]> consumer;
  private final EventSerde<T> serde;
  private final List<T> events = new ArrayList<>();

  public CommittedEvents(String bootstrap, String topic, EventSerde<T> serde) {
    Properties props = new Properties();
    props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    TopicRecords.assignAll(consumer, topic);
    this.serde = serde;
  }

  /** What arrived so far (after one more short poll). */
  public List<T> all() {
    poll(Duration.ofMillis(200));
    return List.copyOf(events);
  }

  public List<T> awaitCount(int n) {
    return awaitMatching(l -> l.size() >= n);
  }

  /**
   * Waits until exactly {@code n} events arrived, then for {@code grace} more, and fails if more
   * than {@code n} arrive: a duplicate would show up.
   */
  public List<T> awaitExactly(int n, Duration grace) {
    awaitCount(n);
    long end = System.nanoTime() + grace.toNanos();
    while (System.nanoTime() < end) {
      poll(Duration.ofMillis(100));
    }
    assertThat(events).as("events after a %s grace period", grace).hasSize(n);
    return List.copyOf(events);
  }

  public List<T> awaitMatching(Predicate<List<T>> done) {
    long deadline = System.nanoTime() + DEADLINE.toNanos();
    while (!done.test(events) && System.nanoTime() < deadline) {
      poll(Duration.ofMillis(200));
    }
    assertThat(done.test(events)).as("events on time, have %d", events.size()).isTrue();
    return List.copyOf(events);
  }

  private void poll(Duration timeout) {
    for (var record : consumer.poll(timeout)) {
      events.add(serde.deserialize(record.value()));
    }
  }

  @Override
  public void close() {
    consumer.close();
  }
}
