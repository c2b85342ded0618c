package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.ctrflow.launcher.process.PidFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class RunDirectoryTest {

  @TempDir Path state;
  private final StringWriter log = new StringWriter();

  @Test
  void aNewRunStopsWhatACrashedRunLeftAliveAndKeepsTheNewestOldRuns() throws Exception {
    RunDirectory crashed = RunDirectory.create(state, new PrintWriter(log, true));
    // A child the crashed run started and never stopped (its PID file says so).
    Process leftover = new ProcessBuilder("sleep", "300").start();
    crashed.pidFile("label-queue").write(leftover.toHandle());
    // The crashed run's own JVM is gone: its demo.pid must not point at a live demo.
    Files.writeString(crashed.path().resolve(RunDirectory.DEMO_PID), "999999999 -\n");
    Thread.sleep(5); // run directory names have millisecond resolution
    RunDirectory second = RunDirectory.create(state, new PrintWriter(log, true));

    assertThat(leftover.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(log.toString()).contains("stopping pid " + leftover.pid());
    assertThat(second.path()).isNotEqualTo(crashed.path());
    assertThat(second.liveChildren()).isEmpty();
    assertThat(Files.readString(second.path().resolve(RunDirectory.DEMO_PID)))
        .startsWith(Long.toString(ProcessHandle.current().pid()));

    for (int i = 0; i < 3; i++) {
      Files.writeString(second.path().resolve(RunDirectory.DEMO_PID), "999999999 -\n");
      Thread.sleep(5);
      second = RunDirectory.create(state, new PrintWriter(log, true));
    }
    try (Stream<Path> runs = Files.list(state.resolve("demo"))) {
      assertThat(runs.count()).isEqualTo(3); // two old runs kept for their logs, plus this one
    }
  }

  @Test
  void refusesToShareTheStateDirectoryWithALiveDemo() throws Exception {
    Process otherDemo = new ProcessBuilder("sleep", "300").start();
    try {
      Path run = state.resolve("demo").resolve("run-20260101-000000-000");
      new PidFile(run.resolve(RunDirectory.DEMO_PID)).write(otherDemo.toHandle());
      assertThatThrownBy(() -> RunDirectory.create(state, new PrintWriter(log, true)))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("another ctrflow demo (pid " + otherDemo.pid() + ")")
          .hasMessageContaining("--state-dir");
    } finally {
      otherDemo.destroyForcibly();
    }
  }

  @Test
  void aRecycledPidIsNeverKilled() throws Exception {
    RunDirectory crashed = RunDirectory.create(state, new PrintWriter(log, true));
    Process unrelated = new ProcessBuilder("sleep", "300").start();
    try {
      // The PID file names the live process but with another start time: not ours.
      Files.writeString(
          crashed.path().resolve("pids").resolve("kafka.pid"), unrelated.pid() + " 1000\n");
      Files.writeString(crashed.path().resolve(RunDirectory.DEMO_PID), "999999999 -\n");
      Thread.sleep(5);
      RunDirectory.create(state, new PrintWriter(log, true));
      assertThat(unrelated.isAlive()).isTrue();
    } finally {
      unrelated.destroyForcibly();
    }
  }
}
