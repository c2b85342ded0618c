package org.ctrflow.connectors.generator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DriftScriptTest {

  @Test
  void parsesTheCompactFormInEventOrder() {
    DriftScript script =
        DriftScript.parse(
            "100000:new-items:200, 50000:flip-segment:category=7,150000:base-rate:0.05");
    assertThat(script.steps())
        .containsExactly(
            new DriftStep.FlipSegment(50_000, "category", 7),
            new DriftStep.NewItems(100_000, 200),
            new DriftStep.BaseRate(150_000, 0.05));
    assertThat(DriftScript.parse("none").steps()).isEmpty();
    assertThat(DriftScript.parse(DriftScript.DEMO_SPEC).steps()).hasSize(3);
  }

  @Test
  void namesTheBadStepAndShowsAValidScript() {
    assertThatThrownBy(() -> DriftScript.parse("10:flip:category=1"))
        .hasMessageContaining("drift step '10:flip:category=1': unknown kind 'flip'")
        .hasMessageContaining("a valid script looks like");
    assertThatThrownBy(() -> DriftScript.parse("x:new-items:5"))
        .hasMessageContaining("not a number");
    assertThatThrownBy(() -> DriftScript.parse("5:base-rate:2"))
        .hasMessageContaining("between 0 and 1");
    assertThatThrownBy(() -> DriftScript.parse("5:flip-segment:7"))
        .hasMessageContaining("<field>=<value id>");
  }

  @Test
  void theConfigRejectsDriftOnUnknownFieldsOrValues() {
    assertThatThrownBy(
            () ->
                GeneratorConfig.builder()
                    .drift(DriftScript.parse("5:flip-segment:colour=1"))
                    .build())
        .hasMessageContaining("unknown field");
    assertThatThrownBy(
            () ->
                GeneratorConfig.builder()
                    .drift(DriftScript.parse("5:flip-segment:category=50"))
                    .build())
        .hasMessageContaining("value must be in 0..49");
  }
}
