package org.ctrflow.jobs.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.state.rocksdb.EmbeddedRocksDBStateBackend;
import org.apache.flink.streaming.api.operators.KeyedProcessOperator;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HumanLabelDeduplicatorTest {

  @Test
  void eachSampleTrainsOnceWithItsImportanceWeight() throws Exception {
    var settings =
        LabelJoinOptions.Settings.of(Duration.ofSeconds(10), Duration.ofSeconds(1))
            .withStateTtl(Duration.ofMinutes(1));
    try (var harness =
        new KeyedOneInputStreamOperatorTestHarness<>(
            new KeyedProcessOperator<>(new HumanLabelDeduplicator(settings)),
            HumanLabel::sampleId,
            Types.STRING)) {
      harness.setStateBackend(new EmbeddedRocksDBStateBackend());
      harness.open();
      harness.setStateTtlProcessingTime(0);
      harness.processElement(label("s1", 1, 4.0), 10);
      harness.processElement(label("s1", 1, 4.0), 11); // re-published
      harness.processElement(label("s2", 0, 2.5), 12);

      assertThat(harness.extractOutputValues())
          .containsExactly(
              new LabeledExample("s1", 5, Map.of("f", "v"), Map.of(), 1, 4.0, LabelSource.HUMAN),
              new LabeledExample("s2", 5, Map.of("f", "v"), Map.of(), 0, 2.5, LabelSource.HUMAN));

      harness.setStateTtlProcessingTime(Duration.ofMinutes(1).toMillis() + 1);
      harness.processElement(label("s1", 1, 4.0), 13);
      assertThat(harness.extractOutputValues()).hasSize(3);
    }
  }

  private static HumanLabel label(String id, int label, double weight) {
    return new HumanLabel(id, 5, 6, Map.of("f", "v"), Map.of(), label, weight, "alice");
  }
}
