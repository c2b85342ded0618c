package org.ctrflow.jobs.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import org.apache.flink.util.TimeUtils;
import org.ctrflow.connectors.config.Durations;
import org.ctrflow.jobs.scoring.ScoringOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The jobs read durations as every other ctrflow component does, and as Flink means them. */
@Timeout(10)
class JobArgumentsDurationTest {

  @Test
  void everyUnitSpellingMeansWhatFlinkMeansByIt() {
    List<String> units =
        List.of(
            "d",
            "day",
            "days",
            "h",
            "hour",
            "hours",
            "min",
            "m",
            "minute",
            "minutes",
            "s",
            "sec",
            "secs",
            "second",
            "seconds",
            "ms",
            "milli",
            "millis",
            "millisecond",
            "milliseconds",
            "µs",
            "micro",
            "micros",
            "microsecond",
            "microseconds",
            "ns",
            "nano",
            "nanos",
            "nanosecond",
            "nanoseconds");
    for (String unit : units) {
      // Upper case only where it lower-cases back (µ's upper case is the Greek Μ).
      String upper = unit.startsWith("µ") ? unit : unit.toUpperCase();
      for (String text : List.of("7" + unit, "7 " + unit, " 7 " + upper + " ")) {
        assertThat(Durations.parse(text)).as(text).isEqualTo(TimeUtils.parseDuration(text));
      }
    }
    for (Duration d : List.of(Duration.ofMinutes(15), Duration.ofMillis(1500), Duration.ZERO)) {
      assertThat(TimeUtils.parseDuration(Durations.format(d))).isEqualTo(d);
    }
  }

  @Test
  void isoTextABareNumberAndAnOldNameAreRefusedShowingTheNewForm() {
    assertThatThrownBy(
            () -> ScoringOptions.parse("--bootstrap-servers", "k:1", "--diversity-window", "PT10M"))
        .hasMessageStartingWith("--diversity-window: 'PT10M' is not valid")
        .hasMessageContaining("write 10 min");
    assertThatThrownBy(
            () -> ScoringOptions.parse("--bootstrap-servers", "k:1", "--max-batch-delay", "5"))
        .hasMessageContaining("has no unit");
    assertThatThrownBy(
            () ->
                ScoringOptions.parse(
                    "--bootstrap-servers", "k:1", "--diversity-window-ms", "600000"))
        .hasMessage(
            "--diversity-window-ms was replaced by --diversity-window; write --diversity-window"
                + " 600000ms");
    assertThat(
            ScoringOptions.parse("--bootstrap-servers", "k:1", "--diversity-window", "10 min")
                .diversityWindowMillis())
        .isEqualTo(600_000);
  }
}
