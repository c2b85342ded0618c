package org.ctrflow.jobs.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import org.apache.flink.api.common.serialization.SerializerConfigImpl;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeutils.TypeSerializer;
import org.apache.flink.api.java.typeutils.GenericTypeInfo;
import org.apache.flink.core.memory.DataInputDeserializer;
import org.apache.flink.core.memory.DataOutputSerializer;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.junit.jupiter.api.Test;

/**
 * Events cross Flink's network and state as records, through Flink's own serializers (Kryo would be
 * slow and breaks on immutable maps), and come out re-validated and equal.
 */
class EventTypeInformationTest {

  @Test
  void everyEventTypeIsAFlinkRecordTypeNotAGenericOne() {
    for (Class<?> type : Event.class.getPermittedSubclasses()) {
      assertThat(TypeInformation.of(type))
          .as(type.getSimpleName())
          .isNotInstanceOf(GenericTypeInfo.class);
    }
  }

  @Test
  void eventsSurviveFlinkSerialization() throws Exception {
    List<Event> events =
        List.of(
            new Impression("i-1", 5, Map.of("user", "u1", "item", "i2"), Map.of("price", 2.5)),
            new LabeledExample("i-1", 5, Map.of("user", "u1"), null, 1, 4.0, LabelSource.HUMAN),
            new DeadLetter(new byte[] {1, 2}, "t", 0, 7, "X", "y", 9),
            ModelUpdate.builder()
                .setModelName("finalmlp")
                .setVersion(3)
                .setKind(ModelUpdate.Kind.DELTA)
                .setSha256("0".repeat(64))
                .setSizeBytes(2)
                .setPublishedAt(9)
                .optBaseVersion(2)
                .optPayload(new byte[] {4, 2})
                .build());
    for (Event event : events) {
      assertThat(roundTrip(event)).isEqualTo(event);
    }
  }

  @SuppressWarnings("unchecked")
  private static <T> T roundTrip(T value) throws Exception {
    TypeSerializer<T> serializer =
        (TypeSerializer<T>)
            TypeInformation.of(value.getClass()).createSerializer(new SerializerConfigImpl());
    DataOutputSerializer out = new DataOutputSerializer(256);
    serializer.serialize(value, out);
    return serializer.deserialize(new DataInputDeserializer(out.getCopyOfBuffer()));
  }
}
