package org.ctrflow.launcher.replay;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.ctrflow.connectors.testing.CollectingPublisher;
import org.ctrflow.launcher.emit.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReplayCommandTest {

  private final CollectingPublisher publisher = new CollectingPublisher();

  private CommandRun replay(String... args) {
    return CommandRun.execute(new ReplayCommand(options -> publisher), args);
  }

  @Test
  void replaysALibFmFileAndPrintsTheCounts(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(dir.resolve("s.libfm"), "1 1:1 9:1\n-1 2:1 9:1\nbad\n0 3:1 8:1\n");
    CommandRun run =
        replay(
            "--format",
            "LIBFM",
            "--file",
            file.toString(),
            "--fields",
            "user,item",
            "--base-time",
            "2026-01-01T00:00:00Z");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(publisher.impressions).hasSize(3);
    assertThat(publisher.impressions.get(0).id()).isEqualTo("s-1");
    assertThat(publisher.impressions.get(0).features()).containsEntry("user", "1");
    assertThat(publisher.impressions.get(0).eventTime()).isEqualTo(1_767_225_600_000L);
    assertThat(publisher.clicks).hasSize(1);
    assertThat(publisher.closed).isTrue();
    assertThat(run.out())
        .contains("rows         3")
        .contains("impressions  3")
        .contains("clicks       1")
        .contains("malformed    1 (lines 3)")
        .contains("line 3: label must be 1, 0 or -1, was 'bad'");
  }

  @Test
  void readsAGenericCsvWithTheGivenColumns(@TempDir Path dir) throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.csv"), "rid;clk;ts;price;city\nr1;1;1700000000;2.5;\"Paris; FR\"\n");
    CommandRun run =
        replay(
            "--format=csv",
            "--file",
            file.toString(),
            "--delimiter",
            ";",
            "--label-column",
            "clk",
            "--id-column",
            "rid",
            "--time-column",
            "ts",
            "--numeric-columns",
            "price",
            "--limit",
            "5");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(publisher.impressions.get(0).id()).isEqualTo("r1");
    assertThat(publisher.impressions.get(0).eventTime()).isEqualTo(1_700_000_000_000L);
    assertThat(publisher.impressions.get(0).features()).containsEntry("city", "Paris; FR");
    assertThat(publisher.impressions.get(0).numericFeatures()).containsEntry("price", 2.5);
  }

  @Test
  void anUnknownFormatListsTheValidOnes() {
    CommandRun run = replay("--format", "parquet", "--file", "x");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .contains("unknown dataset format 'parquet'; valid formats: libfm, criteo, avazu, csv");
  }

  @Test
  void optionsTheFormatWouldIgnoreAreRejected() {
    CommandRun run = replay("--format", "avazu", "--file", "x", "--label-column", "click");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--label-column applies to --format csv only");
    assertThat(replay("--format", "csv", "--file", "x", "--fields", "frappe").err())
        .contains("--fields applies to --format libfm only");
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    CommandRun run = replay("--format", "criteo", "--file", dir.resolve("nope.txt").toString());
    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("replay failed: no such file: ").contains("nope.txt");
    assertThat(publisher.impressions).isEmpty();
  }

  @Test
  void badOptionValuesSayWhatIsValid(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("s.libfm"), "1 1:1\n");
    assertThat(replay("--format", "libfm", "--file", file.toString(), "--rate", "fast").err())
        .contains("'fast' is not a rate", "e.g. 1000 or 1000/s");
    assertThat(
            replay("--format", "libfm", "--file", file.toString(), "--click-delay", "30s-1s").err())
        .contains("click delay must satisfy 0 <= min <= max");
    assertThat(replay("--format", "libfm", "--file", file.toString(), "--interval", "10").err())
        .contains("'10' has no unit; write e.g. 10ms or 10s");
    assertThat(
            replay("--format", "libfm", "--file", file.toString(), "--base-time", "yesterday")
                .err())
        .contains("--base-time must be ISO-8601");
    assertThat(replay("--format", "csv", "--file", file.toString(), "--delimiter", "::").err())
        .contains("--delimiter must be one character or 'tab'");
  }
}
