package org.ctrflow.jobs.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.jobs.submit.JobArguments;
import org.ctrflow.jobs.submit.JobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The job's command line: defaults, Flink duration syntax, and errors that say what is valid. */
@Timeout(10)
class LabelJoinOptionsTest {

  @Test
  void readsArgumentsWithDefaults() {
    Configuration config =
        JobArguments.parse(
            new String[] {"--bootstrap-servers", "k:9092", "--attribution-window=30min"},
            LabelJoinOptions.allOptions());
    LabelJoinOptions.Settings settings = LabelJoinOptions.settings(config);

    assertThat(config.get(JobOptions.BOOTSTRAP_SERVERS)).isEqualTo("k:9092");
    assertThat(settings.attributionWindow()).isEqualTo(Duration.ofMinutes(30));
    assertThat(settings.maxOutOfOrderness()).isEqualTo(Duration.ofSeconds(5));
    assertThat(settings.topicPrefix()).isEqualTo("ctrflow");
  }

  @Test
  void badArgumentsNameTheOptionAndAValidValue() {
    assertThatThrownBy(() -> parse("--attribution-window", "soon"))
        .hasMessageStartingWith("--attribution-window: 'soon' is not valid")
        .hasMessageContaining("e.g. 15 min");
    assertThatThrownBy(() -> parse("--atribution-window", "1h"))
        .hasMessageStartingWith("--atribution-window: unknown option; valid options: [")
        .hasMessageContaining("attribution-window");
    assertThatThrownBy(() -> JobArguments.parse(new String[0], LabelJoinOptions.allOptions()))
        .hasMessage("missing required option(s): [--bootstrap-servers]");
    assertThatThrownBy(() -> settings("--state-ttl", "10min"))
        .hasMessageStartingWith(
            "--state-ttl: must exceed attribution-window + max-out-of-orderness")
        .hasMessageContaining("e.g. 3620 s");
    assertThatThrownBy(() -> settings("--attribution-window", "0s"))
        .hasMessageStartingWith("--attribution-window: must be positive, e.g. 15min");
    assertThatThrownBy(() -> settings("--topic-prefix", "a b"))
        .hasMessageStartingWith("--topic-prefix: topic prefix must be letters");
  }

  private static Configuration parse(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-servers";
    all[1] = "k:9092";
    System.arraycopy(args, 0, all, 2, args.length);
    return JobArguments.parse(all, LabelJoinOptions.allOptions());
  }

  private static LabelJoinOptions.Settings settings(String... args) {
    return LabelJoinOptions.settings(parse(args));
  }
}
