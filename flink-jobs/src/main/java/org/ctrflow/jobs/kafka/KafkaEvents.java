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
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.topics.Topic;

/**
 * Kafka sources and sinks for ctrflow's topics, configured once: sources read raw records (parsed
 * later by {@link EventParser}, so bad input becomes dead letters), sinks key each event by {@link
 * Event#key()}, stamp it with the time of writing and size requests to the topic's limit.
 */
public final class KafkaEvents {

  private KafkaEvents() {}

  /**
   * A source of raw records from {@code topics}, committing offsets on checkpoints. Returned as a
   * builder so a caller can bound it (replays, tests) or add consumer properties.
   *
   * @param client settings for every Kafka client, e.g. TLS from {@code --kafka-properties}; the
   *     source's own win
   */
  public static KafkaSourceBuilder<RawKafkaRecord> rawSource(
      String bootstrap,
      Properties client,
      List<String> topics,
      String groupId,
      OffsetsInitializer startingOffsets) {
    return KafkaSource.<RawKafkaRecord>builder()
        .setProperties(client)
        .setBootstrapServers(bootstrap)
        .setTopics(topics)
        .setGroupId(groupId)
        .setStartingOffsets(startingOffsets)
        .setDeserializer(new RawKafkaRecordDeserializer())
        // Transactions of exactly-once upstream producers: read only what they committed.
        .setProperty("isolation.level", "read_committed");
  }

  /**
   * A sink of events of {@code type} to {@code topic} under {@code prefix}. {@code EXACTLY_ONCE}
   * needs checkpointing and a {@code transactionalIdPrefix} that stays the same across restarts of
   * the job.
   *
   * @param client settings for every Kafka client, e.g. TLS from {@code --kafka-properties}; the
   *     sink's own win
   */
  public static <T extends Event> KafkaSink<T> sink(
      String bootstrap,
      Properties client,
      Topic topic,
      String prefix,
      Class<T> type,
      DeliveryGuarantee guarantee,
      String transactionalIdPrefix) {
    Properties producer = KafkaClientProperties.copy(client);
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

  /**
   * Key = the event's key, value = its JSON, timestamp = the time of writing (the producer's
   * clock).
   *
   * <p>Not the stream record's event time, which Flink's default serializer would use: a topic's
   * {@code retention.ms} counts from the record timestamp, so output derived from a replay or
   * backfill of events older than the retention (Frappe's replay starts in 2023) was deleted by the
   * broker's next retention check, committed or not, and a consumer never saw it. Event times more
   * than {@code message.timestamp.after.max.ms} ahead (1 h by default since Kafka 4.0) would be
   * refused instead. The event time travels inside the event ({@code eventTime}).
   */
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
          topic, null, null, event.key().getBytes(StandardCharsets.UTF_8), serde.serialize(event));
    }
  }
}
