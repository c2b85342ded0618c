package org.ctrflow.jobs.join;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import org.apache.flink.api.common.eventtime.SerializableTimestampAssigner;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.formats.EventFormat;
import org.ctrflow.connectors.formats.SchemaRegistryUnavailableException;
import org.ctrflow.jobs.kafka.RawKafkaRecord;

/**
 * Reads an event's top-level {@code eventTime} from its raw JSON, so watermarks are generated in
 * the Kafka source, per partition, before parsing. Generated after the source instead, one
 * subtask's partitions would share a watermark: a partition read ahead would make a slower one's
 * clicks late. A record without a readable event time gets {@link Long#MIN_VALUE}, which never
 * advances a watermark; the parser dead-letters it later.
 *
 * <p>For ctrflow JSON, a streaming scan of the top-level fields, stopping at {@code eventTime}: far
 * cheaper than the full parse that follows. Records of another {@link EventFormat} are decoded
 * through their mapping.
 */
final class RawEventTime implements SerializableTimestampAssigner<RawKafkaRecord> {

  private static final long serialVersionUID = 1L;
  private static final JsonFactory JSON = new JsonFactory();

  private final EventFormat format;
  private final Class<? extends Event> type;
  private transient EventFormat.Decoder<? extends Event> decoder;

  /** Event times of ctrflow JSON events. */
  RawEventTime() {
    this(EventFormat.ctrflow(), Impression.class);
  }

  RawEventTime(EventFormat format, Class<? extends Event> type) {
    this.format = format;
    this.type = type;
  }

  @Override
  public long extractTimestamp(RawKafkaRecord record, long kafkaTimestamp) {
    byte[] value = record.value();
    if (value == null) {
      return Long.MIN_VALUE;
    }
    if (format.kind() != EventFormat.Kind.CTRFLOW) {
      return decoded(value);
    }
    try (JsonParser parser = JSON.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return Long.MIN_VALUE;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.currentName();
        JsonToken token = parser.nextToken();
        if ("eventTime".equals(field)) {
          return token == JsonToken.VALUE_NUMBER_INT ? parser.getLongValue() : Long.MIN_VALUE;
        }
        parser.skipChildren();
      }
    } catch (IOException | RuntimeException malformed) {
      // The parser downstream gives the reason in its dead letter.
    }
    return Long.MIN_VALUE;
  }

  private long decoded(byte[] value) {
    if (decoder == null) {
      decoder = format.decoder(type);
    }
    try {
      Event event = decoder.decode(value);
      return event instanceof Click c ? c.eventTime() : ((Impression) event).eventTime();
    } catch (SchemaRegistryUnavailableException e) {
      throw e;
    } catch (RuntimeException malformed) {
      // The parser downstream gives the reason in its dead letter.
      return Long.MIN_VALUE;
    }
  }
}
