package org.ctrflow.connectors.supervision;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.InterruptException;
import org.ctrflow.connectors.supervision.Supervisor.Backoff;
import org.ctrflow.connectors.supervision.Supervisor.State;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A supervised worker that fails, in any way, is restarted with backoff; readiness tells the truth
 * meanwhile; a close restarts nothing.
 */
@Timeout(30)
class SupervisorTest {

  private static final Backoff FAST = new Backoff(Duration.ofMillis(1), Duration.ofSeconds(5));

  /** Fails its first {@code failures} runs (after {@code failAfter} has been counted down). */
  static final class Flaky implements Worker {
    final AtomicInteger runs = new AtomicInteger();
    final int failures;
    final CountDownLatch failAfter;
    final AtomicBoolean beating = new AtomicBoolean(true);
    volatile boolean stopped;

    Flaky(int failures, CountDownLatch failAfter) {
      this.failures = failures;
      this.failAfter = failAfter;
    }

    @Override
    public void run(Runnable heartbeat) throws Exception {
      int run = runs.incrementAndGet();
      if (run <= failures) {
        failAfter.await();
        throw new OutOfMemoryError("simulated failure of run " + run);
      }
      while (!stopped) {
        if (beating.get()) {
          heartbeat.run();
        }
        Thread.sleep(10);
      }
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  /** Runs one step of {@code script} per run; the last step repeats, and a null step works on. */
  static final class Scripted implements Worker {
    interface Step {
      void run() throws Exception;
    }

    final AtomicInteger runs = new AtomicInteger();
    final List<Step> script;
    volatile boolean stopped;

    Scripted(Step... script) {
      this.script = java.util.Arrays.asList(script);
    }

    @Override
    public void run(Runnable heartbeat) throws Exception {
      int run = runs.incrementAndGet();
      Step step = script.get(Math.min(run, script.size()) - 1);
      if (step != null) {
        step.run();
        return;
      }
      while (!stopped) {
        Thread.sleep(10);
      }
    }

    @Override
    public void stop() {
      stopped = true;
    }
  }

  @Test
  void aFailingWorkerIsRestartedWithBackoffAndIsNotReadyMeanwhile() throws Exception {
    List<String> restarts = new CopyOnWriteArrayList<>();
    CountDownLatch fail = new CountDownLatch(1);
    Flaky flaky = new Flaky(2, fail);
    Flaky steady = new Flaky(0, new CountDownLatch(0));
    Supervisor supervisor =
        new Supervisor(
            new Backoff(Duration.ofMillis(300), Duration.ofSeconds(5)),
            Duration.ofSeconds(5),
            restarts::add);
    supervisor.start("flaky", flaky);
    supervisor.start("steady", steady);
    await().until(() -> supervisor.states().get("steady") == State.UP);
    assertThat(supervisor.ready()).isTrue();

    long failedAt = System.nanoTime();
    fail.countDown();
    await().until(() -> supervisor.states().get("flaky") == State.RESTARTING);
    assertThat(supervisor.ready()).isFalse();
    assertThat(supervisor.down()).containsExactly("flaky");
    await().atMost(Duration.ofSeconds(10)).until(supervisor::ready);
    // Two failures: restarts after 300 ms, then 600 ms.
    assertThat((System.nanoTime() - failedAt) / 1_000_000).isGreaterThanOrEqualTo(900);
    assertThat(restarts).containsExactly("flaky", "flaky");
    assertThat(flaky.runs).hasValue(3);
    assertThat(steady.runs).hasValue(1);

    assertThat(supervisor.close(Duration.ofSeconds(5))).isTrue();
    assertThat(supervisor.states())
        .containsOnly(Map.entry("flaky", State.STOPPED), Map.entry("steady", State.STOPPED));
    assertThat(supervisor.ready()).isFalse();
  }

  @Test
  void aWorkerWithoutProgressCountsAsStalledUntilItMovesAgain() throws Exception {
    Flaky worker = new Flaky(0, new CountDownLatch(0));
    try (Supervisor supervisor = new Supervisor(FAST, Duration.ofMillis(300), r -> {})) {
      supervisor.start("worker", worker);
      await().until(supervisor::ready);
      worker.beating.set(false);
      await().until(() -> supervisor.states().get("worker") == State.STALLED);
      assertThat(supervisor.ready()).isFalse();
      worker.beating.set(true);
      await().until(supervisor::ready);
    }
  }

  @Test
  void withoutAStallTimeoutASilentWorkerStaysUp() throws Exception {
    Flaky worker = new Flaky(0, new CountDownLatch(0));
    worker.beating.set(false);
    try (Supervisor supervisor = new Supervisor(FAST, r -> {})) {
      supervisor.start("silent", worker);
      Thread.sleep(300);
      assertThat(supervisor.states()).containsEntry("silent", State.UP);
      assertThat(supervisor.ready()).isTrue();
    }
  }

  @Test
  void anythingAWorkerThrowsIsAFailureAndRestartsIt() throws Exception {
    List<String> restarts = new CopyOnWriteArrayList<>();
    Scripted worker =
        new Scripted(
            () -> {
              throw new IllegalStateException("first");
            },
            () -> {
              throw new OutOfMemoryError("second");
            },
            () -> {
              throw new InterruptedException("third");
            },
            // Kafka's InterruptException sets the thread's interrupt flag again as it is thrown.
            () -> {
              throw new InterruptException("fourth");
            },
            null);
    try (Supervisor supervisor = new Supervisor(FAST, restarts::add)) {
      Supervised supervised = supervisor.start("flaky", worker);
      await().until(() -> worker.runs.get() == 5);
      assertThat(supervised.state()).isEqualTo(State.UP);
      assertThat(restarts).containsExactly("flaky", "flaky", "flaky", "flaky");
      assertThat(supervised.close(Duration.ofSeconds(5))).isTrue();
      assertThat(supervised.state()).isEqualTo(State.STOPPED);
      assertThat(supervisor.down()).as("a closed worker is stopped, not down").isEmpty();
    }
    assertThat(worker.runs).as("close restarts nothing").hasValue(5);
  }

  @Test
  void aWorkerThatReturnsBeforeItWasStoppedIsAFailureToo() throws Exception {
    List<String> restarts = new CopyOnWriteArrayList<>();
    Scripted worker = new Scripted(() -> {}, null);
    try (Supervisor supervisor = new Supervisor(FAST, restarts::add)) {
      supervisor.start("quitter", worker);
      await().until(() -> worker.runs.get() == 2);
      assertThat(restarts).containsExactly("quitter");
    }
  }

  @Test
  void aStopEndsTheBackoffWaitAndNothingStartsAfterAClose() throws Exception {
    Scripted worker =
        new Scripted(
            () -> {
              throw new IllegalStateException("boom");
            },
            null);
    Supervisor supervisor =
        new Supervisor(new Backoff(Duration.ofMinutes(1), Duration.ofMinutes(1)), r -> {});
    supervisor.start("fails-once", worker);
    await().until(() -> supervisor.states().get("fails-once") == State.RESTARTING);
    long closing = System.nanoTime();
    assertThat(supervisor.close(Duration.ofSeconds(5))).isTrue();
    assertThat((System.nanoTime() - closing) / 1_000_000).isLessThan(5_000);
    assertThat(worker.runs).hasValue(1);
    assertThatThrownBy(() -> supervisor.start("late", worker))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  void backoffDoublesUpToItsCap() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(30));
    assertThat(backoff.millis(1)).isEqualTo(500);
    assertThat(backoff.millis(2)).isEqualTo(1000);
    assertThat(backoff.millis(4)).isEqualTo(4000);
    assertThat(backoff.millis(20)).isEqualTo(30_000);
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
