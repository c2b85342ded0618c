package org.ctrflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ScoringConfigTest {

  private static ScoringConfig parse(String... args) {
    String[] all = new String[args.length + 2];
    all[0] = "--bootstrap-servers";
    all[1] = "127.0.0.1:9092";
    System.arraycopy(args, 0, all, 2, args.length);
    return ScoringOptions.parse(all);
  }

  @Test
  void defaultsComeFromTheOptionsAndArgumentsOverrideThem() {
    ScoringConfig defaults = parse();
    assertThat(defaults.models()).containsExactly("finalmlp");
    assertThat(defaults.strategy()).isEqualTo(ScoringConfig.Strategy.ENTROPY);
    assertThat(defaults.labelsPerMinute()).isEqualTo(60);
    assertThat(defaults.diversityWindowMillis()).isEqualTo(600_000);
    assertThat(defaults.batchSize()).isEqualTo(256);
    assertThat(defaults.maxBatchDelayMillis()).isEqualTo(5);
    assertThat(parse("--batch-size", "64", "--max-batch-delay", "20ms"))
        .extracting(ScoringConfig::batchSize, ScoringConfig::maxBatchDelayMillis)
        .containsExactly(64, 20L);

    ScoringConfig committee =
        parse(
            "--models", "finalmlp, memnet", "--strategy", "committee", "--labels-per-minute", "5");
    assertThat(committee.models()).isEqualTo(List.of("finalmlp", "memnet"));
    assertThat(committee.primary()).isEqualTo("finalmlp");
    assertThat(committee.labelsPerMinute()).isEqualTo(5);
  }

  @Test
  void invalidValuesAreRejectedNamingTheOptionAndAValidValue() {
    assertThatThrownBy(() -> parse("--strategy", "random"))
        .hasMessage("strategy: must be one of entropy, bald, committee, was random");
    assertThatThrownBy(() -> parse("--strategy", "committee"))
        .hasMessageStartingWith("models: committee needs at least two models");
    assertThatThrownBy(() -> parse("--strategy", "bald", "--mc-passes", "1"))
        .hasMessageStartingWith("mc-passes: bald needs at least 2 passes");
    assertThatThrownBy(() -> parse("--labels-per-minute", "0"))
        .hasMessageStartingWith("labels-per-minute: must be a number > 0, such as 60");
    assertThatThrownBy(() -> parse("--labels-per-minute", "lots"))
        .hasMessageStartingWith("--labels-per-minute: 'lots' is not valid")
        .hasMessageEndingWith("e.g. 60.0");
    assertThatThrownBy(() -> parse("--diversity-window", "-1s"))
        .hasMessageStartingWith("--diversity-window: '-1s' is not valid");
    assertThatThrownBy(() -> parse("--batch-size", "0"))
        .hasMessage("batch-size: must be between 1 and 65536, such as 256, was 0");
    assertThatThrownBy(() -> parse("--batch-size", "many"))
        .hasMessageStartingWith("--batch-size: 'many' is not valid")
        .hasMessageEndingWith("e.g. 256");
    assertThatThrownBy(() -> parse("--batch-sise", "64"))
        .hasMessageStartingWith("--batch-sise: unknown option; valid options: [batch-size,");
    assertThatThrownBy(() -> parse("--max-batch-delay", "0ms"))
        .hasMessage("max-batch-delay: must be between 1 ms and 1 min, such as 5 ms, was 0 ms");
  }
}
