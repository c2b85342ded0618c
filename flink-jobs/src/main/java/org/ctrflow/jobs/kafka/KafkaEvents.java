package org.ctrflow.jobs.kafka;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Properties;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.topics.Topic;

/**
 * Kafka sources and sinks for ctrflow's topics, configured once: sources read raw records (parsed
 * later by {@link EventParser}, so bad input becomes dead letters), sinks key each event by {@link
 * Event#key()} and size requests to the topic's limit.
 */
public final class KafkaEvents {

  private KafkaEvents() {}

  /**
   * A source of raw records from {@code topics}, committing offsets on checkpoints. Returned as a
   * builder so a caller can bound it (replays, tests) or add consumer properties.
   */
  public static KafkaSourceBuilder<RawRecord> rawSource(
      String bootstrap, List<String> topics, String groupId, OffsetsInitializer startingOffsets) {
    return KafkaSource.<RawRecord>builder()
        .setBootstrapServers(bootstrap)
        .setTopics(topics)
        .setGroupId(groupId)
        .setStartingOffsets(startingOffsets)
        .setDeserializer(new RawRecordDeserializer())
        // Transactions of exactly-once upstream producers: read only what they committed.
        .setProperty("isolation.level", "read_committed");
  }

  /**
   * A sink of events of {@code type} to {@code topic} under {@code prefix}. {@code EXACTLY_ONCE}
   * needs checkpointing and a {@code transactionalIdPrefix} that stays the same across restarts of
   * the job.
   */
  public static <T extends Event> KafkaSink<T> sink(
      String bootstrap,
      Topic topic,
      String prefix,
      Class<T> type,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    Properties producer = new Properties();
    producer.setProperty(
        ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Integer.toString(topic.maxMessageBytes()));
    producer.setProperty(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    var builder =
        KafkaSink.<T>builder()
            .setBootstrapServers(bootstrap)
            .setKafkaProducerConfig(producer)
            .setDeliveryGuarantee(guarantee)
            .setRecordSerializer(new EventRecordSerializer<>(topic.name(prefix), type));
    if (guarantee == DeliveryGuarantee.EXACTLY_ONCE) {
      builder.setTransactionalIdPrefix(transactionalIdPrefix);
    }
    return builder.build();
  }

  /** Key = the event's key, value = its JSON. */
  static final class EventRecordSerializer<T extends Event>
      implements KafkaRecordSerializationSchema<T> {

    private static final long serialVersionUID = 1L;

    private final String topic;
    private final Class<T> type;
    private transient EventSerde<T> serde;

    EventRecordSerializer(String topic, Class<T> type) {
      this.topic = topic;
      this.type = type;
    }

    @Override
    public ProducerRecord<byte[], byte[]> serialize(
        T event, KafkaSinkContext context, Long timestamp) {
      if (serde == null) {
        serde = EventSerde.of(type);
      }
      return new ProducerRecord<>(
          topic,
          null,
          // Records without a usable event time (a dead letter of a malformed record carries
          // none) get the broker's time rather than failing the sink.
          timestamp == null || timestamp < 0 ? null : timestamp,
          event.key().getBytes(StandardCharsets.UTF_8),
          serde.serialize(event));
    }
  }
}
