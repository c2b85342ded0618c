package org.ctrflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.InvalidEventException;
import org.junit.jupiter.api.Test;

class EventParserTest {

  private static RawKafkaRecord raw(long offset, byte[] value) {
    return new RawKafkaRecord("ctrflow.impressions", 1, offset, 1_000L, value);
  }

  @Test
  void validRecordsPassAndBadOnesBecomeDeadLettersWithTheirCoordinates() throws Exception {
    Impression good = new Impression("imp-1", 5, Map.of("user", "u1"), null);
    byte[] noFeatures =
        "{\"id\":\"imp-2\",\"eventTime\":5,\"features\":{}}".getBytes(StandardCharsets.UTF_8);
    byte[] notJson = "hello".getBytes(StandardCharsets.UTF_8);
    byte[] aClick = EventSerde.CLICK.serialize(new Click("imp-1", 7));

    try (OneInputStreamOperatorTestHarness<RawKafkaRecord, Impression> harness =
        ProcessFunctionTestHarnesses.forProcessFunction(new EventParser<>(Impression.class))) {
      harness.processElement(raw(10, EventSerde.IMPRESSION.serialize(good)), 0);
      harness.processElement(raw(11, noFeatures), 0);
      harness.processElement(raw(12, notJson), 0);
      harness.processElement(raw(13, null), 0);
      harness.processElement(raw(14, aClick), 0);

      assertThat(harness.extractOutputValues()).containsExactly(good);
      List<DeadLetter> dead =
          harness.getSideOutput(EventParser.DEAD_LETTERS).stream()
              .map(StreamRecord::getValue)
              .toList();
      assertThat(dead).extracting(DeadLetter::offset).containsExactly(11L, 12L, 13L, 14L);
      assertThat(dead)
          .allSatisfy(
              d -> {
                assertThat(d.topic()).isEqualTo("ctrflow.impressions");
                assertThat(d.partition()).isEqualTo(1);
                assertThat(d.errorClass()).isEqualTo(InvalidEventException.class.getName());
              });
      assertThat(dead.get(0).original()).isEqualTo(noFeatures);
      assertThat(dead.get(0).errorMessage()).startsWith("features: must hold at least one");
      assertThat(dead.get(1).errorMessage()).startsWith("$: not valid JSON");
      assertThat(dead.get(2).errorMessage()).startsWith("$: payload is empty");
      assertThat(dead.get(3).errorMessage()).isEqualTo("id: is required");
    }
  }
}
