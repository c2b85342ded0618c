package org.ctrflow.connectors.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigKeyTest {

  static final ConfigKey<Integer> SLOTS = ConfigKey.integer("slots", 32, 1, 64, "Memory slots.");
  static final ConfigKey<Duration> POLL =
      ConfigKey.duration(
          "poll", Duration.ofMillis(50), Duration.ofMillis(1), Duration.ofSeconds(10), "Poll.");
  static final List<ConfigKey<?>> KEYS = List.of(SLOTS, POLL);

  @Test
  void aSettingNotGivenTakesItsDefaultAndAGivenOneIsParsed() {
    Settings settings = Settings.of(Map.of("poll", "2 s"), KEYS, "test setting");
    assertThat(settings.get(SLOTS)).isEqualTo(32);
    assertThat(settings.get(POLL)).isEqualTo(Duration.ofSeconds(2));
    assertThat(settings.with(SLOTS, 8).get(SLOTS)).isEqualTo(8);
    assertThat(POLL.defaultText()).isEqualTo("50 ms");
  }

  @Test
  void aBadValueNamesTheKeyAndWhatIsAccepted() {
    assertThatThrownBy(() -> Settings.of(Map.of("slots", "65"), KEYS, "test setting"))
        .hasMessage("slots must be an integer from 1 to 64, was '65'");
    assertThatThrownBy(() -> Settings.of(Map.of("slots", "x"), KEYS, "test setting"))
        .hasMessageContaining("slots must be an integer from 1 to 64");
    assertThatThrownBy(() -> Settings.of(Map.of("poll", "PT1S"), KEYS, "test setting"))
        .hasMessageContaining("poll: ")
        .hasMessageContaining("write 1 s");
    assertThatThrownBy(() -> Settings.of(Map.of("poll", "1 min"), KEYS, "test setting"))
        .hasMessageContaining("poll must be from 1 ms to 10 s");
  }

  @Test
  void anUnknownNameListsTheKnownOnesAndAnOldNameShowsTheNewForm() {
    assertThatThrownBy(() -> Settings.of(Map.of("slot", "3"), KEYS, "test setting"))
        .hasMessage("unknown test setting 'slot'; known: slots, poll");
    assertThatThrownBy(() -> Settings.of(Map.of("refresh-poll-ms", "50"), KEYS, "test setting"))
        .hasMessage("refresh-poll-ms was replaced by refresh-poll; write refresh-poll=50ms");
  }

  @Test
  void anInvalidDefaultFailsAtDeclaration() {
    assertThatThrownBy(() -> ConfigKey.integer("n", 0, 1, 4, "N."))
        .hasMessageContaining("n must be an integer from 1 to 4");
  }

  @Test
  void oldOptionNamesOnACommandLineAreRefusedWithTheNewForm() {
    assertThatThrownBy(() -> RenamedOptions.check(new String[] {"replay", "--interval-ms", "500"}))
        .hasMessage("--interval-ms was replaced by --interval; write --interval 500ms");
    assertThatThrownBy(() -> RenamedOptions.check(new String[] {"--click-delay-ms=1000-30000"}))
        .hasMessage(
            "--click-delay-ms was replaced by --click-delay; write --click-delay 1000ms-30000ms");
    RenamedOptions.check(new String[] {"--interval", "500ms"});
  }

  @Test
  void theReferenceTableRendersEachDeclaration() {
    assertThat(ReferenceTable.markdown(KEYS, "--"))
        .isEqualTo(
            "| setting | default | accepted values | description |\n"
                + "|---|---|---|---|\n"
                + "| `--slots` | `32` | an integer from 1 to 64 | Memory slots. |\n"
                + "| `--poll` | `50 ms` | a duration from 1 ms to 10 s | Poll. |\n");
  }
}
