package org.ctrflow.launcher.models;

import static org.assertj.core.api.Assertions.assertThat;

import org.ctrflow.launcher.emit.CommandRun;
import org.junit.jupiter.api.Test;

/** The bench prints one row per batch size; its numbers are this machine's, so only the shape. */
class BenchCommandTest {

  @Test
  void printsARowPerBatchSize() {
    CommandRun run =
        CommandRun.execute(new BenchCommand(), "model", "--batch", "8,32", "--duration", "200ms");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String[] lines = run.out().strip().split("\n");
    assertThat(lines).hasSize(3);
    assertThat(lines[0]).contains("train/s", "predict/s", "RSS MB");
    assertThat(lines[1])
        .matches("frappe\\s+finalmlp\\s+8\\s+[\\d,]+\\s+[\\d,]+\\s+[\\d,]+\\s+\\d+");
    assertThat(lines[2]).contains(" 32 ");
  }

  @Test
  void reportsProgressAndMemoryPerIntervalAndCanTimeTrainingOnly() {
    CommandRun run =
        CommandRun.execute(
            new BenchCommand(),
            "model",
            "--batch",
            "8",
            "--duration",
            "500ms",
            "--report-every",
            "100ms",
            "--train-only");

    assertThat(run.exitCode()).as(run.err()).isZero();
    String[] lines = run.out().strip().split("\n");
    assertThat(lines.length).isBetween(3, 8);
    assertThat(lines[1])
        .matches(
            "\\s+train\\s+batch\\s+8\\s+0 s\\s+[\\d,]+ samples/s\\s+RSS\\s+\\d+ MB\\s+peak\\s+\\d+ MB");
    assertThat(lines[lines.length - 1])
        .matches("frappe\\s+finalmlp\\s+8\\s+[\\d,]+\\s+-\\s+-\\s+\\d+");
    assertThat(run.out()).doesNotContain("score+train  ", "predict  ");
  }

  @Test
  void rejectsANonPositiveBatch() {
    CommandRun run = CommandRun.execute(new BenchCommand(), "model", "--batch", "0");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err()).contains("--batch sizes must be >= 1");
  }
}
