package org.ctrflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.junit.jupiter.api.Test;

class KafkaEventsTest {

  @Test
  void recordsAreKeyedByTheEventAndStampedWhenWrittenNotWithTheirEventTime() {
    // An example from a replay of 2023's events: the stream record's timestamp is its event time.
    long eventTime = 1_700_000_000_000L;
    LabeledExample example =
        new LabeledExample(
            "imp-1", eventTime, Map.of("user", "u1"), Map.of(), 1, 1.0, LabelSource.CLICK_JOIN);
    KafkaEvents.EventRecordSerializer<LabeledExample> serializer =
        new KafkaEvents.EventRecordSerializer<>("ctrflow.labeled-examples", LabeledExample.class);

    ProducerRecord<byte[], byte[]> record = serializer.serialize(example, null, eventTime);

    assertThat(record.topic()).isEqualTo("ctrflow.labeled-examples");
    assertThat(new String(record.key(), StandardCharsets.UTF_8)).isEqualTo("imp-1");
    assertThat(EventSerde.LABELED_EXAMPLE.deserialize(record.value())).isEqualTo(example);
    // null: the producer stamps the time of sending, which the topic's retention counts from.
    // With the event time, the broker's next retention check (7 days) deleted the examples.
    assertThat(record.timestamp()).isNull();
    assertThat(serializer.serialize(example, null, null).timestamp()).isNull();
  }
}
