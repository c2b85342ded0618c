package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Supervisor.State;
import org.ctrflow.connectors.supervision.Worker;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's supervisor as {@link ModelServer#workers} wires it: what counts as a failure, what a
 * restart does to the metrics and to readiness, how close ends it.
 */
@Timeout(60)
class SupervisedWorkerTest {

  private final ServingMetrics metrics = new ServingMetrics();
  private final AtomicInteger runs = new AtomicInteger();

  /** A worker whose run is {@code body}; a stop ends its {@link #waitUntilStopped()}. */
  private static final class Loop implements Worker {
    interface Body {
      void run(Loop self) throws Exception;
    }

    private final Body body;
    private volatile boolean running = true;

    Loop(Body body) {
      this.body = body;
    }

    @Override
    public void run(Runnable heartbeat) throws Exception {
      body.run(this);
    }

    @Override
    public void stop() {
      running = false;
    }

    void waitUntilStopped() throws InterruptedException {
      while (running) {
        Thread.sleep(10);
      }
    }
  }

  private Supervisor workers(int firstBackoffMillis) {
    return ModelServer.workers(
        ServingConfig.defaults()
            .with(ServingConfig.WORKER_RESTART_BACKOFF, Duration.ofMillis(firstBackoffMillis)),
        metrics);
  }

  @Test
  void aLoopThatThrowsAnythingIsRestartedAndEachRestartCounted() throws Exception {
    Supervisor.Supervised worker =
        workers(1)
            .start(
                "flaky",
                new Loop(
                    self -> {
                      switch (runs.incrementAndGet()) {
                        case 1 -> throw new IllegalStateException("first");
                        case 2 -> throw new OutOfMemoryError("second");
                        case 3 -> throw new InterruptedException("third");
                        default -> self.waitUntilStopped();
                      }
                    }));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 4);
      assertThat(worker.state()).isEqualTo(State.UP);
      assertThat(metrics.scrape())
          .contains("ctrflow_serving_worker_restarts_total{worker=\"flaky\"} 3.0")
          .contains("ctrflow_serving_worker_up{worker=\"flaky\"} 1.0");
    } finally {
      worker.close(Duration.ofSeconds(10));
    }
    assertThat(worker.state()).isNotEqualTo(State.UP);
    assertThat(metrics.scrape()).contains("ctrflow_serving_worker_up{worker=\"flaky\"} 0.0");
    assertThat(runs.get()).as("close restarts nothing").isEqualTo(4);
  }

  @Test
  void aLoopThatReturnsWhileTheServerRunsIsAFailureToo() throws Exception {
    Supervisor.Supervised worker =
        workers(1)
            .start(
                "quitter",
                new Loop(
                    self -> {
                      if (runs.incrementAndGet() > 1) {
                        self.waitUntilStopped();
                      }
                    }));
    try {
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> runs.get() == 2);
      assertThat(metrics.scrape())
          .contains("ctrflow_serving_worker_restarts_total{worker=\"quitter\"} 1.0");
    } finally {
      worker.close(Duration.ofSeconds(10));
    }
  }

  @Test
  void whileWaitingToBeRestartedTheWorkerIsDownAndWorkersSayWhich() throws Exception {
    Supervisor workers = workers(60_000);
    Supervisor.Supervised worker =
        workers.start(
            "fails-once",
            new Loop(
                self -> {
                  if (runs.incrementAndGet() == 1) {
                    throw new IllegalStateException("boom");
                  }
                  self.waitUntilStopped();
                }));
    try {
      // The first restart waits a minute: long enough to see it down for certain.
      Awaitility.await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> worker.state() == State.RESTARTING);
      assertThat(workers.down()).containsExactly("fails-once");
      assertThat(metrics.scrape()).contains("ctrflow_serving_worker_up{worker=\"fails-once\"} 0.0");
    } finally {
      worker.close(Duration.ofSeconds(10));
    }
    assertThat(workers.down()).as("a closed worker is stopped, not down").isEmpty();
    assertThat(runs.get()).isEqualTo(1);
  }
}
