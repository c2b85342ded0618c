package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.launcher.demo.StatusBoard.Component;
import org.ctrflow.launcher.demo.StatusBoard.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo's restarts of its child processes, on real processes: a part killed with SIGKILL is
 * shown down on the status board (and counts as not up) until it is started again, the same way,
 * then up with its restart counted; a part that runs but does not serve yet shows as starting; a
 * closed part is stopped for good.
 */
@Timeout(60)
class RestartingPartsTest {

  private final StatusBoard board = new StatusBoard(System::currentTimeMillis, () -> 0, 10);

  private static ProcessHandle sleeper() throws IOException {
    return new ProcessBuilder("sleep", "120").start().toHandle();
  }

  private Component component(String name) {
    return board.snapshot().components().stream()
        .filter(c -> c.name().equals(name))
        .findFirst()
        .orElseThrow();
  }

  @Test
  void aKilledProcessIsDownUntilItIsStartedAgainAndItsRestartIsCounted() throws Exception {
    try (RestartingParts parts = new RestartingParts()) {
      Supervised part =
          parts.process(
              "sleeper",
              sleeper(),
              RestartingPartsTest::sleeper,
              Duration.ofSeconds(5),
              () -> true,
              "a sleep",
              null);
      parts.report(board);
      assertThat(component("sleeper").state()).isEqualTo(State.UP);
      assertThat(parts.allUp()).isTrue();
      ProcessHandle first = parts.process("sleeper").orElseThrow();

      first.destroyForcibly();
      first.onExit().join();
      await()
          .atMost(Duration.ofSeconds(5))
          .pollInterval(Duration.ofMillis(20))
          .until(
              () -> {
                parts.report(board);
                return component("sleeper").detail().contains("(restarting)");
              });
      assertThat(component("sleeper").state()).isEqualTo(State.STARTING);
      assertThat(parts.allUp()).isFalse();

      // The first restart waits RestartingParts.BACKOFF's first second.
      await().atMost(Duration.ofSeconds(10)).until(parts::allUp);
      ProcessHandle second = parts.process("sleeper").orElseThrow();
      assertThat(second.pid()).isNotEqualTo(first.pid());
      parts.report(board);
      assertThat(component("sleeper").state()).isEqualTo(State.UP);
      assertThat(component("sleeper").detail())
          .contains("pid " + second.pid())
          .contains("restarted 1 time");
      assertThat(parts.restartCounts()).isEqualTo(Map.of("sleeper", 1));

      assertThat(part.close(Duration.ofSeconds(10))).isTrue();
      assertThat(second.isAlive()).as("a closed part is stopped").isFalse();
      Thread.sleep(1_500);
      assertThat(parts.process("sleeper")).as("and never started again").isEmpty();
    }
  }

  @Test
  void aProcessThatDoesNotServeYetIsStartingNotUp() throws Exception {
    AtomicBoolean serves = new AtomicBoolean(false);
    try (RestartingParts parts = new RestartingParts()) {
      parts.process(
          "service",
          null,
          RestartingPartsTest::sleeper,
          Duration.ofSeconds(5),
          serves::get,
          "a service",
          "http://127.0.0.1:1/");
      await().until(() -> parts.process("service").isPresent());
      parts.report(board);
      assertThat(component("service").state()).isEqualTo(State.STARTING);
      assertThat(parts.allUp()).isFalse();
      serves.set(true);
      parts.report(board);
      assertThat(component("service").state()).isEqualTo(State.UP);
      assertThat(parts.allUp()).isTrue();
      assertThat(List.of(component("service").url())).containsExactly("http://127.0.0.1:1/");
    }
  }
}
