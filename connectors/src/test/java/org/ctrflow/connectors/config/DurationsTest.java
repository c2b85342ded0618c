package org.ctrflow.connectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class DurationsTest {

  @Test
  void readsANumberAndAUnitInFlinksSpellings() {
    assertThat(Durations.parse("500 ms")).isEqualTo(Duration.ofMillis(500));
    assertThat(Durations.parse("90s")).isEqualTo(Duration.ofSeconds(90));
    assertThat(Durations.parse(" 5 min ")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("5m")).isEqualTo(Duration.ofMinutes(5));
    assertThat(Durations.parse("1 h")).isEqualTo(Duration.ofHours(1));
    assertThat(Durations.parse("7 days")).isEqualTo(Duration.ofDays(7));
    assertThat(Durations.parse("2 Seconds")).isEqualTo(Duration.ofSeconds(2));
    assertThat(Durations.parse("500µs")).isEqualTo(Duration.ofNanos(500_000));
    assertThat(Durations.parse("3 nanos")).isEqualTo(Duration.ofNanos(3));
  }

  @Test
  void refusesIsoTextAndBareNumbersShowingTheAcceptedForm() {
    assertThatThrownBy(() -> Durations.parse("PT5M"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("ISO-8601")
        .hasMessageContaining("write 5 min");
    assertThatThrownBy(() -> Durations.parse("500"))
        .hasMessageContaining("has no unit")
        .hasMessageContaining("500ms");
    assertThatThrownBy(() -> Durations.parse("5 fortnights")).hasMessageContaining("unknown unit");
    assertThatThrownBy(() -> Durations.parse("1.5s")).hasMessageContaining("unknown unit");
    assertThatThrownBy(() -> Durations.parse("")).hasMessageContaining("500ms or 5 min");
    assertThatThrownBy(() -> Durations.parse("-5s")).hasMessageContaining("not a duration");
  }

  @Test
  void formatsInTheLargestExactUnitAndReadsItBack() {
    assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5 min");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1500 ms");
    assertThat(Durations.format(Duration.ofDays(7))).isEqualTo("7 d");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0 ms");
    for (Duration d :
        new Duration[] {Duration.ofNanos(500_000), Duration.ofHours(3), Duration.ofSeconds(61)}) {
      assertThat(Durations.parse(Durations.format(d))).isEqualTo(d);
    }
  }
}
