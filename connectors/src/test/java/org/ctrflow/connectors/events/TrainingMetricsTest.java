package org.ctrflow.connectors.events;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class TrainingMetricsTest {

  private static final TrainingMetrics.Scope OVERALL =
      new TrainingMetrics.Scope(1000, 120, 0.91, 0.3, 1.02);

  private static TrainingMetrics metrics(TrainingMetrics.Scope window) {
    return new TrainingMetrics("finalmlp", 7, 5000, 12_345.5, OVERALL, window, 10_000, 99);
  }

  @Test
  void roundTripsWithUndefinedMetricsAsAbsent() {
    TrainingMetrics event =
        metrics(TrainingMetrics.Scope.ofNullableNaN(3, 0, Double.NaN, 0.1, Double.NaN));
    byte[] json = EventSerde.TRAINING_METRICS.serialize(event);
    assertThat(new String(json, StandardCharsets.UTF_8)).doesNotContain("NaN");
    assertThat(EventSerde.TRAINING_METRICS.deserialize(json)).isEqualTo(event);
    assertThat(event.key()).isEqualTo("training/finalmlp");
  }

  @Test
  void rejectsValuesOutOfRangeNamingTheField() {
    assertThatThrownBy(() -> new TrainingMetrics.Scope(10, 11, null, null, null))
        .hasMessageStartingWith("positives:");
    assertThatThrownBy(() -> new TrainingMetrics.Scope(10, 1, 1.5, null, null))
        .hasMessageStartingWith("auc:");
    assertThatThrownBy(() -> new TrainingMetrics.Scope(10, 1, null, -0.1, null))
        .hasMessageStartingWith("logLoss:");
    assertThatThrownBy(
            () -> new TrainingMetrics("m", 1, 0, Double.POSITIVE_INFINITY, OVERALL, OVERALL, 1, 0))
        .hasMessageStartingWith("examplesPerSecond:");
    assertThatThrownBy(() -> new TrainingMetrics("m", -1, 0, 0, OVERALL, OVERALL, 1, 0))
        .hasMessageStartingWith("modelVersion:");
  }

  @Test
  void strictJsonRejectsNaNStringsAndUnknownFields() {
    String good =
        new String(EventSerde.TRAINING_METRICS.serialize(metrics(OVERALL)), StandardCharsets.UTF_8);
    String nan = good.replace("\"auc\":0.91", "\"auc\":\"NaN\"");
    assertThatThrownBy(() -> EventSerde.TRAINING_METRICS.deserialize(bytes(nan)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageContaining("auc");
    String unknown = good.replace("{\"modelName\"", "{\"extra\":1,\"modelName\"");
    assertThatThrownBy(() -> EventSerde.TRAINING_METRICS.deserialize(bytes(unknown)))
        .isInstanceOf(InvalidEventException.class)
        .hasMessageStartingWith("extra:");
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
