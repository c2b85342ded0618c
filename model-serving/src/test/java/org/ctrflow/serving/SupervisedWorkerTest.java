package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The supervisor on its own: what counts as a failure, what a restart does, how close ends it. */
@Timeout(60)
class SupervisedWorkerTest {

  private final ServingMetrics metrics = new ServingMetrics();
  private final AtomicInteger runs = new AtomicInteger();

  @Test
  void aLoopThatThrowsAnythingIsRestartedAndEachRestartCounted() throws Exception {
    SupervisedWorker worker =
        new SupervisedWorker(
            "flaky",
            self -> {
              switch (runs.incrementAndGet()) {
                case 1 -> throw new IllegalStateException("first");
                case 2 -> throw new OutOfMemoryError("second");
                case 3 -> throw new InterruptedException("third");
                default -> waitUntilStopped(self);
              }
            },
            1,
            metrics);
    worker.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 4);
      assertThat(worker.up()).isTrue();
      assertThat(metrics.scrape())
          .contains("ctrflow_serving_worker_restarts_total{worker=\"flaky\"} 3.0")
          .contains("ctrflow_serving_worker_up{worker=\"flaky\"} 1.0");
    } finally {
      worker.close();
    }
    assertThat(worker.up()).isFalse();
    assertThat(runs.get()).as("close restarts nothing").isEqualTo(4);
  }

  @Test
  void aLoopThatReturnsWhileTheServerRunsIsAFailureToo() throws Exception {
    SupervisedWorker worker =
        new SupervisedWorker(
            "quitter",
            self -> {
              if (runs.incrementAndGet() > 1) {
                waitUntilStopped(self);
              }
            },
            1,
            metrics);
    worker.start();
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 2);
      assertThat(metrics.scrape())
          .contains("ctrflow_serving_worker_restarts_total{worker=\"quitter\"} 1.0");
    } finally {
      worker.close();
    }
  }

  @Test
  void whileWaitingToBeRestartedTheWorkerIsDownAndWorkersSayWhich() throws Exception {
    Workers workers =
        new Workers(
            metrics,
            ServingConfig.defaults().with(ServingConfig.WORKER_RESTART_BACKOFF_MILLIS, 60_000));
    SupervisedWorker worker =
        workers.start(
            "fails-once",
            self -> {
              if (runs.incrementAndGet() == 1) {
                throw new IllegalStateException("boom");
              }
              waitUntilStopped(self);
            });
    try {
      // The first restart waits a minute: long enough to see it down for certain.
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> !worker.up());
      assertThat(workers.down()).containsExactly("fails-once");
      assertThat(metrics.scrape()).contains("ctrflow_serving_worker_up{worker=\"fails-once\"} 0.0");
    } finally {
      worker.close();
    }
    assertThat(workers.down()).as("a closed worker is stopped, not down").isEmpty();
    assertThat(runs.get()).isEqualTo(1);
  }

  private static void waitUntilStopped(SupervisedWorker self) throws InterruptedException {
    while (self.running()) {
      Thread.sleep(10);
    }
  }
}
