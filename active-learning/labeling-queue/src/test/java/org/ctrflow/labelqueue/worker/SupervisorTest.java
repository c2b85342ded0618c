package org.ctrflow.labelqueue.worker;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ctrflow.labelqueue.worker.Supervisor.State;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A supervised worker that fails is restarted with backoff, and readiness tells the truth. */
@Timeout(30)
class SupervisorTest {

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

  @Test
  void aFailingWorkerIsRestartedWithBackoffAndIsNotReadyMeanwhile() throws Exception {
    List<String> restarts = new CopyOnWriteArrayList<>();
    CountDownLatch fail = new CountDownLatch(1);
    Flaky flaky = new Flaky(2, fail);
    Flaky steady = new Flaky(0, new CountDownLatch(0));
    Supervisor supervisor =
        new Supervisor(
                Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofSeconds(5), restarts::add)
            .add("flaky", flaky)
            .add("steady", steady);
    supervisor.start();
    await().until(() -> supervisor.states().get("steady") == State.UP);
    assertThat(supervisor.ready()).isTrue();

    long failedAt = System.nanoTime();
    fail.countDown();
    await().until(() -> supervisor.states().get("flaky") == State.RESTARTING);
    assertThat(supervisor.ready()).isFalse();
    await().atMost(Duration.ofSeconds(10)).until(supervisor::ready);
    // Two failures: restarts after 300 ms, then 600 ms.
    assertThat((System.nanoTime() - failedAt) / 1_000_000).isGreaterThanOrEqualTo(900);
    assertThat(restarts).containsExactly("flaky", "flaky");
    assertThat(flaky.runs).hasValue(3);
    assertThat(steady.runs).hasValue(1);

    assertThat(supervisor.close(Duration.ofSeconds(5))).isTrue();
    assertThat(supervisor.states())
        .containsOnly(
            java.util.Map.entry("flaky", State.STOPPED),
            java.util.Map.entry("steady", State.STOPPED));
    assertThat(supervisor.ready()).isFalse();
  }

  @Test
  void aWorkerWithoutProgressCountsAsStalledUntilItMovesAgain() throws Exception {
    Flaky worker = new Flaky(0, new CountDownLatch(0));
    try (Supervisor supervisor =
        new Supervisor(Duration.ofMillis(300), r -> {}).add("worker", worker)) {
      supervisor.start();
      await().until(supervisor::ready);
      worker.beating.set(false);
      await().until(() -> supervisor.states().get("worker") == State.STALLED);
      assertThat(supervisor.ready()).isFalse();
      worker.beating.set(true);
      await().until(supervisor::ready);
    }
  }

  @Test
  void backoffDoublesUpToItsCap() {
    Duration base = Duration.ofMillis(500);
    Duration max = Duration.ofSeconds(30);
    assertThat(Supervisor.backoffMillis(1, base, max)).isEqualTo(500);
    assertThat(Supervisor.backoffMillis(2, base, max)).isEqualTo(1000);
    assertThat(Supervisor.backoffMillis(4, base, max)).isEqualTo(4000);
    assertThat(Supervisor.backoffMillis(20, base, max)).isEqualTo(30_000);
  }
}
