package org.ctrflow.memnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MemnetOptionsTest {

  @Test
  void defaultsAndOverrides() {
    MemnetOptions d = MemnetOptions.defaults();
    assertThat(d.slots()).isEqualTo(32);
    assertThat(d.fast()).isFalse();
    assertThat(d.fastRead()).isTrue();
    assertThat(d.fastWrite()).isFalse();
    assertThat(d.controllerNorm()).isFalse();
    MemnetOptions o =
        MemnetOptions.parse(
            Map.of(
                "fast.controllers", "write", "controller.units", "16, 8", "fast.enabled", "true"));
    assertThat(o.fastRead()).isFalse();
    assertThat(o.fastWrite()).isTrue();
    assertThat(o.controllerUnits()).isEqualTo(List.of(16, 8));
    assertThat(o.fast()).isTrue();
  }

  @Test
  void badValuesNameTheKeyAndAValidValue() {
    assertThatThrownBy(() -> MemnetOptions.parse(Map.of("memory.slotz", "3")))
        .hasMessageStartingWith("unknown memory-network option 'memory.slotz'; known:");
    assertThatThrownBy(() -> MemnetOptions.parse(Map.of("memory.slots", "0")))
        .hasMessage("memory.slots must be an integer >= 1, was '0'");
    assertThatThrownBy(() -> MemnetOptions.parse(Map.of("fast.lr", "-1")))
        .hasMessageContaining("fast.lr must be a number >= 0");
    assertThatThrownBy(() -> MemnetOptions.parse(Map.of("sg.label", "yes")))
        .hasMessageStartingWith("sg.label must be true or false, was 'yes'");
    assertThatThrownBy(() -> MemnetOptions.parse(Map.of("fast.controllers", "read,gate")))
        .hasMessageContaining("must be read, write or a comma-separated list of them");
  }
}
