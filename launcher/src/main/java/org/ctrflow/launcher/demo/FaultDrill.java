package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import org.ctrflow.connectors.supervision.Signals;

/**
 * The faults of {@code ctrflow demo --cluster --faults}, one after the other once the loop is warm,
 * each only after the loop recovered from the one before: the broker frozen (SIGSTOP) for longer
 * than its clients' timeouts, then a {@code kill -9} of the TaskManager, of the labeling queue and
 * of the model server. Nothing here repairs anything: the processes are restarted by {@link
 * RestartingParts} (as Kubernetes restarts a container that died), the jobs by Flink's restart
 * strategy from their last checkpoint, the services' workers by their own supervisors. A fault
 * counts as recovered once the loop stayed up (every part running, both services ready, the jobs
 * running) for {@link #STABLE} and events, labels, predictions and training all moved on within
 * that time: up alone is not enough, since a TaskManager that a fault will take down a few seconds
 * later still looks up at first.
 */
final class FaultDrill {

  /**
   * What the drill watches, read and never changed.
   *
   * @param up every supervised part runs, the jobs run, the queue and the server answer ready
   * @param impressionsAcknowledged impressions the broker acknowledged to the feeder
   * @param labelsAcknowledged labels the queue acknowledged to the labeler
   * @param scoreRequestsAcknowledged score requests the broker acknowledged
   * @param servedOverHttp requests the model server answered over HTTP
   * @param examplesTrained examples the served model learned from, by its last training report
   */
  record Loop(
      BooleanSupplier up,
      LongSupplier impressionsAcknowledged,
      LongSupplier labelsAcknowledged,
      LongSupplier scoreRequestsAcknowledged,
      LongSupplier servedOverHttp,
      LongSupplier examplesTrained) {

    /** The counters a recovered loop must have moved past. */
    List<LongSupplier> counters() {
      return List.of(
          impressionsAcknowledged,
          labelsAcknowledged,
          scoreRequestsAcknowledged,
          servedOverHttp,
          examplesTrained);
    }
  }

  /**
   * One fault: what was done, when (seconds since the drill began), and how long the loop took from
   * the fault's end (the thaw, the kill) until it was back up for good.
   */
  record Step(String fault, double atSeconds, double recoveredAfterSeconds) {}

  /**
   * How long the loop may take to warm up, and to recover from one fault, before the drill fails.
   */
  static final Duration WARM_UP_TIMEOUT = Duration.ofMinutes(3);

  static final Duration RECOVERY_TIMEOUT = Duration.ofMinutes(3);

  /** How long a recovered loop must stay up, and move on, before the next fault. */
  static final Duration STABLE = Duration.ofSeconds(10);

  private static final long POLL_MS = 500;

  private final RestartingParts parts;
  private final Loop loop;
  private final Duration brokerPause;
  private final List<Step> steps = new ArrayList<>();
  private final long started = System.nanoTime();

  FaultDrill(RestartingParts parts, Loop loop, Duration brokerPause) {
    this.parts = parts;
    this.loop = loop;
    this.brokerPause = brokerPause;
  }

  /**
   * Runs every fault in turn.
   *
   * @throws IOException when the loop did not warm up or did not recover from a fault in time
   */
  List<Step> run() throws IOException, InterruptedException {
    await(
        "the loop to warm up (a model served, labels given)",
        WARM_UP_TIMEOUT,
        () ->
            loop.up().getAsBoolean()
                && loop.servedOverHttp().getAsLong() > 0
                && loop.labelsAcknowledged().getAsLong() >= 3
                && loop.examplesTrained().getAsLong() > 0);
    freezeBroker();
    kill(DemoRun.TASK_MANAGER);
    kill(DemoRun.QUEUE);
    kill(DemoRun.SERVER);
    return List.copyOf(steps);
  }

  private void freezeBroker() throws IOException, InterruptedException {
    ProcessHandle broker = running(DemoRun.BROKER);
    double at = seconds();
    Signals.send(broker.pid(), "STOP");
    try {
      Thread.sleep(brokerPause.toMillis());
    } finally {
      Signals.send(broker.pid(), "CONT");
    }
    recover("broker frozen for " + brokerPause.toSeconds() + " s", at);
  }

  private void kill(String component) throws IOException, InterruptedException {
    ProcessHandle process = running(component);
    double at = seconds();
    process.destroyForcibly();
    process.onExit().join();
    recover("kill -9 of the " + component + " (pid " + process.pid() + ")", at);
  }

  /** Waits until the loop is up and moving on for {@link #STABLE}; records how long it took. */
  private void recover(String fault, double at) throws IOException, InterruptedException {
    double faultEnded = seconds();
    long deadline = System.nanoTime() + RECOVERY_TIMEOUT.toNanos();
    while (true) {
      await("recovery from: " + fault, remaining(deadline), loop.up());
      double upAt = seconds();
      Progress since = new Progress();
      if (staysUp(deadline) && since.movedOn()) {
        steps.add(new Step(fault, at, upAt - faultEnded));
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IOException(
            "gave up waiting " + RECOVERY_TIMEOUT.toSeconds() + " s for recovery from: " + fault);
      }
    }
  }

  /** Whether the loop stays up for {@link #STABLE} (false as soon as it is not). */
  private boolean staysUp(long deadline) throws InterruptedException {
    long until = Math.min(deadline, System.nanoTime() + STABLE.toNanos());
    while (System.nanoTime() < until) {
      if (!loop.up().getAsBoolean()) {
        return false;
      }
      Thread.sleep(POLL_MS);
    }
    return System.nanoTime() >= until && loop.up().getAsBoolean();
  }

  private static Duration remaining(long deadline) {
    return Duration.ofNanos(Math.max(0, deadline - System.nanoTime()));
  }

  private ProcessHandle running(String component) throws IOException {
    return parts
        .process(component)
        .orElseThrow(() -> new IOException("no running process for the " + component));
  }

  /** The loop's counters at one moment: a recovered loop has moved past every one of them. */
  private final class Progress {
    private final long[] at = values();

    private long[] values() {
      return loop.counters().stream().mapToLong(LongSupplier::getAsLong).toArray();
    }

    boolean movedOn() {
      long[] now = values();
      for (int i = 0; i < now.length; i++) {
        if (now[i] <= at[i]) {
          return false;
        }
      }
      return true;
    }
  }

  private static void await(String what, Duration timeout, BooleanSupplier done)
      throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!done.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new IOException("gave up waiting " + timeout.toSeconds() + " s for " + what);
      }
      Thread.sleep(POLL_MS);
    }
  }

  private double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }
}
