package org.ctrflow.launcher.generate;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.ctrflow.connectors.testing.CollectingPublisher;
import org.ctrflow.launcher.emit.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GenerateCommandTest {

  private final CollectingPublisher publisher = new CollectingPublisher();

  private CommandRun generate(String... args) {
    return CommandRun.execute(new GenerateCommand(options -> publisher), args);
  }

  @Test
  void generatesTheCountWritesTheTruthAndSummarisesEachPhase(@TempDir Path dir) throws Exception {
    Path truth = dir.resolve("truth.csv");
    CommandRun run =
        generate(
            "--count",
            "3000",
            "--seed",
            "5",
            "--drift",
            "1000:flip-segment:category=0,2000:new-items:50",
            "--start-time-ms",
            "0",
            "--truth-file",
            truth.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(publisher.impressions).hasSize(3_000);
    assertThat(publisher.impressions.get(0).id()).isEqualTo("gen-5-0");
    List<String> lines = Files.readAllLines(truth);
    assertThat(lines).hasSize(3_001);
    assertThat(lines.get(0)).isEqualTo("impression_id,event_index,p_true,drift_phase");
    assertThat(lines.get(3_000)).startsWith("gen-5-2999,2999,").endsWith(",2");
    assertThat(run.out())
        .contains("impressions  3,000")
        .contains("clicks       " + String.format("%,d", publisher.clicks.size()))
        .containsPattern("(?m)^0 +1,000 ")
        .containsPattern("(?m)^2 +1,000 ");
  }

  @Test
  void aBadDriftScriptIsAUsageError() {
    CommandRun run = generate("--drift", "10:flip-segment:colour=1");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("unknown field");
    assertThat(publisher.impressions).isEmpty();
  }

  @Test
  void aMissingTruthDirectoryIsNamed(@TempDir Path dir) {
    CommandRun run =
        generate("--count", "1", "--truth-file", dir.resolve("no/such/t.csv").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("no directory");
  }
}
