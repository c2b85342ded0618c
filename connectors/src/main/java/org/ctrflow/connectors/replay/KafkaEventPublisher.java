package org.ctrflow.connectors.replay;

import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.topics.Topic;

/**
 * Publishes impressions and clicks to {@code <prefix>.impressions} and {@code <prefix>.clicks},
 * keyed by impression id, with one idempotent producer ({@code acks=all}), so a retried send never
 * duplicates an event. The first failed send fails every later call.
 */
public final class KafkaEventPublisher implements EventPublisher {

  /** How long a send may wait for the broker before the publisher gives up. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(15);

  private final String bootstrap;
  private final Duration timeout;
  private final String impressionTopic;
  private final String clickTopic;
  private final Serializer<Impression> impressionSerializer = EventSerde.IMPRESSION.serializer();
  private final Serializer<Click> clickSerializer = EventSerde.CLICK.serializer();
  private final KafkaProducer<String, byte[]> producer;
  private final AtomicReference<Exception> failure = new AtomicReference<>();
  private final Consumer<String> impressionAcknowledged;

  public KafkaEventPublisher(String bootstrap, String topicPrefix) {
    this(bootstrap, topicPrefix, DEFAULT_TIMEOUT);
  }

  public KafkaEventPublisher(String bootstrap, String topicPrefix, Duration timeout) {
    this(bootstrap, topicPrefix, timeout, id -> {});
  }

  /**
   * @param impressionAcknowledged called with an impression's id once the broker acknowledged it
   *     (on the producer's I/O thread: keep it short)
   */
  public KafkaEventPublisher(
      String bootstrap,
      String topicPrefix,
      Duration timeout,
      Consumer<String> impressionAcknowledged) {
    this.impressionAcknowledged = impressionAcknowledged;
    this.bootstrap = bootstrap;
    this.timeout = timeout;
    this.impressionTopic = Topic.IMPRESSIONS.name(topicPrefix);
    this.clickTopic = Topic.CLICKS.name(topicPrefix);
    this.producer =
        new KafkaProducer<>(
            config(bootstrap, timeout), new StringSerializer(), new ByteArraySerializer());
  }

  private static Properties config(String bootstrap, Duration timeout) {
    int timeoutMs = Math.toIntExact(timeout.toMillis());
    int lingerMs = 5;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "ctrflow-replay");
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    props.put(ProducerConfig.LINGER_MS_CONFIG, lingerMs);
    props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topic.MAX_MESSAGE_BYTES);
    // An unreachable broker must fail within the timeout, not hang on the 60 s metadata default.
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, timeoutMs);
    props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 2 * timeoutMs + lingerMs);
    return props;
  }

  @Override
  public void publishImpression(Impression impression) {
    send(
        impressionTopic,
        impression.key(),
        impressionSerializer.serialize(impressionTopic, impression));
  }

  @Override
  public void publishClick(Click click) {
    send(clickTopic, click.key(), clickSerializer.serialize(clickTopic, click));
  }

  private void send(String topic, String key, byte[] value) {
    rethrowFailure();
    try {
      producer.send(
          new ProducerRecord<>(topic, key, value),
          (metadata, e) -> {
            if (e != null) {
              failure.compareAndSet(null, e);
            } else if (topic.equals(impressionTopic)) {
              impressionAcknowledged.accept(key);
            }
          });
    } catch (KafkaException e) {
      failure.compareAndSet(null, e);
      rethrowFailure();
    }
  }

  @Override
  public void flush() {
    rethrowFailure();
    producer.flush();
    rethrowFailure();
  }

  private void rethrowFailure() {
    Exception e = failure.get();
    if (e == null) {
      return;
    }
    if (e instanceof TimeoutException) {
      throw new PublishException(
          "no answer from Kafka at "
              + bootstrap
              + " within "
              + timeout.toSeconds()
              + " s ("
              + e.getMessage()
              + "). Is a broker running there? Start one with `ctrflow kafka start`, or point"
              + " --bootstrap (or KAFKA_BOOTSTRAP) at yours; if it runs, check that the topics "
              + impressionTopic
              + " and "
              + clickTopic
              + " exist.",
          e);
    }
    throw new PublishException("sending to Kafka at " + bootstrap + " failed: " + e, e);
  }

  @Override
  public void close() {
    producer.close(timeout);
  }
}
