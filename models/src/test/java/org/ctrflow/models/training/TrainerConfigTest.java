package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class TrainerConfigTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void overridesReplaceOnlyTheGivenKeys() throws Exception {
    TrainerConfig base = TrainerConfig.builder().build();
    TrainerConfig c =
        base.withOverrides(JSON.readTree("{\"batchSize\": 256, \"embeddingL2\": 0.01}"));
    assertThat(c.batchSize()).isEqualTo(256);
    assertThat(c.embeddingL2()).isEqualTo(0.01f);
    assertThat(c.toBuilder().batchSize(base.batchSize()).embeddingL2(0f).build()).isEqualTo(base);
  }

  @Test
  void unknownKeysAreRejectedByName() {
    assertThatThrownBy(
            () ->
                TrainerConfig.builder().build().withOverrides(JSON.readTree("{\"batchsize\": 1}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("unknown trainer setting 'batchsize'");
  }

  @Test
  void invalidValuesAreRejected() {
    assertThatThrownBy(
            () -> TrainerConfig.builder().build().withOverrides(JSON.readTree("{\"beta2\": 1.0}")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("beta2 must be in [0, 1)");
    assertThatThrownBy(() -> TrainerConfig.builder().batchSize(0).build())
        .hasMessageContaining("batchSize must be > 0");
  }
}
