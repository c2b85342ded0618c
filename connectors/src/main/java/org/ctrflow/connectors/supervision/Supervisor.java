package org.ctrflow.connectors.supervision;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each {@link Worker} of a service on a thread of its own (named after the worker) and never
 * lets one die silently: a worker that throws anything (errors included) or returns before it was
 * stopped is logged, counted and run again after a {@link Backoff}. The service is ready only while
 * every worker runs, says it is ready and, under a stall timeout, has shown progress within it; so
 * an orchestrator that routes by readiness sees a crashing or stuck worker the way a user would.
 */
public final class Supervisor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /** What a worker is doing, as readiness and the metrics show it. */
  public enum State {
    /** Running, ready, with recent progress. */
    UP,
    /** Running but not ready yet (e.g. joining its consumer group). */
    STARTING,
    /** Running but silent for longer than the stall timeout (e.g. blocked on a frozen broker). */
    STALLED,
    /** Failed; waiting for its restart. */
    RESTARTING,
    /** Stopped by a close. */
    STOPPED
  }

  /**
   * The wait before restart number {@code n} after failures in a row: {@code first * 2^(n-1)},
   * capped at {@code max}. A run that lasted {@code max} or longer starts the count over.
   */
  public record Backoff(Duration first, Duration max) {

    public Backoff {
      Objects.requireNonNull(first, "first");
      Objects.requireNonNull(max, "max");
      if (first.isNegative() || first.isZero() || max.compareTo(first) < 0) {
        throw new IllegalArgumentException(
            "backoff needs 0 < first <= max, was first " + first + ", max " + max);
      }
    }

    /** The wait before restart number {@code failures} (1-based), in milliseconds. */
    public long millis(int failures) {
      double exp = first.toMillis() * Math.pow(2, Math.max(0, failures - 1));
      return (long) Math.min(exp, max.toMillis());
    }
  }

  private final Backoff backoff;
  private final long stallNanos;
  private final Consumer<String> restarted;
  private final List<Supervised> workers = new CopyOnWriteArrayList<>();
  private volatile boolean closed;

  /**
   * Workers that count as down only while they wait to be restarted (or say they are not ready).
   *
   * @param restarted called with the worker's name on each restart (metrics)
   */
  public Supervisor(Backoff backoff, Consumer<String> restarted) {
    this(backoff, Long.MAX_VALUE, restarted);
  }

  /**
   * Workers that also count as down while silent for longer than {@code stallTimeout}.
   *
   * @param stallTimeout how long a running worker may go without a heartbeat and still count as up
   * @param restarted called with the worker's name on each restart (metrics)
   */
  public Supervisor(Backoff backoff, Duration stallTimeout, Consumer<String> restarted) {
    this(backoff, stallTimeout.toNanos(), restarted);
    if (stallTimeout.isNegative() || stallTimeout.isZero()) {
      throw new IllegalArgumentException("the stall timeout must be positive, was " + stallTimeout);
    }
  }

  private Supervisor(Backoff backoff, long stallNanos, Consumer<String> restarted) {
    this.backoff = Objects.requireNonNull(backoff, "backoff");
    this.stallNanos = stallNanos;
    this.restarted = Objects.requireNonNull(restarted, "restarted");
  }

  /**
   * Starts {@code worker} on a daemon thread named {@code name}; it counts as up from now on.
   *
   * @return its handle, to stop this worker alone
   * @throws IllegalStateException once the supervisor is closed
   */
  public Supervised start(String name, Worker worker) {
    if (closed) {
      throw new IllegalStateException("supervisor closed; cannot start " + name);
    }
    Supervised supervised = new Supervised(name, worker);
    workers.add(supervised);
    supervised.thread.start();
    return supervised;
  }

  /** True while the supervisor is open and no worker is down. */
  public boolean ready() {
    return !closed && down().isEmpty();
  }

  /** The workers that are down (neither {@link State#UP} nor stopped), in the order started. */
  public List<String> down() {
    return workers.stream()
        .filter(w -> w.state() != State.UP && w.state() != State.STOPPED)
        .map(Supervised::name)
        .toList();
  }

  /** Each worker's state, in the order they were started. */
  public Map<String, State> states() {
    Map<String, State> out = new LinkedHashMap<>();
    workers.forEach(w -> out.put(w.name, w.state()));
    return out;
  }

  /**
   * Stops every worker and waits up to {@code timeout} for their threads.
   *
   * @return whether all of them ended
   */
  public boolean close(Duration timeout) throws InterruptedException {
    closed = true;
    workers.forEach(Supervised::requestStop);
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean all = true;
    for (Supervised w : workers) {
      all &= w.join(deadline);
    }
    return all;
  }

  @Override
  public void close() {
    try {
      close(Duration.ofSeconds(30));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** One supervised worker: its thread, its state, and a close of its own. */
  public final class Supervised {
    private final String name;
    private final Worker worker;
    private final Thread thread;
    private final CountDownLatch stopping = new CountDownLatch(1);
    private final AtomicBoolean stopRequested = new AtomicBoolean();
    private volatile boolean running = true;
    private volatile long lastBeat = System.nanoTime();

    private Supervised(String name, Worker worker) {
      this.name = Objects.requireNonNull(name, "name");
      this.worker = Objects.requireNonNull(worker, "worker");
      this.thread = new Thread(this::supervise, name);
      thread.setDaemon(true);
    }

    public String name() {
      return name;
    }

    public State state() {
      if (stopping.getCount() == 0) {
        return State.STOPPED;
      }
      if (!running) {
        return State.RESTARTING;
      }
      if (System.nanoTime() - lastBeat > stallNanos) {
        return State.STALLED;
      }
      return worker.ready() ? State.UP : State.STARTING;
    }

    /**
     * Stops this worker and waits up to {@code timeout} for its thread.
     *
     * @return whether it ended
     */
    public boolean close(Duration timeout) throws InterruptedException {
      requestStop();
      return join(System.nanoTime() + timeout.toNanos());
    }

    private void requestStop() {
      if (!stopRequested.compareAndSet(false, true)) {
        return;
      }
      stopping.countDown();
      try {
        worker.stop();
      } catch (RuntimeException e) {
        LOG.error("worker {} failed to stop", name, e);
      }
    }

    private boolean join(long deadlineNanos) throws InterruptedException {
      thread.join(Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000));
      if (thread.isAlive()) {
        LOG.error("worker {} did not stop in time", name);
        return false;
      }
      return true;
    }

    private void supervise() {
      int failures = 0;
      while (stopping.getCount() > 0) {
        long started = System.nanoTime();
        lastBeat = started;
        running = true;
        Throwable failure;
        try {
          worker.run(() -> lastBeat = System.nanoTime());
          failure = new IllegalStateException("returned without being stopped");
        } catch (Throwable t) {
          failure = t;
        } finally {
          running = false;
        }
        if (stopping.getCount() == 0) {
          return;
        }
        // A worker that ran well for a while starts its backoff over.
        failures = System.nanoTime() - started >= backoff.max().toNanos() ? 1 : failures + 1;
        long wait = backoff.millis(failures);
        try {
          restarted.accept(name);
          LOG.error("worker {} failed; restart {} in {} ms", name, failures, wait, failure);
        } catch (Throwable reportingFailed) {
          // Out of memory even for the report: the restart below matters more.
        }
        // A worker ended by an interrupt (Kafka's InterruptException sets the flag again) must
        // not cut the wait short, nor end the supervision.
        Thread.interrupted();
        try {
          stopping.await(wait, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
          // Only a stop ends the supervision; the loop condition decides.
        }
      }
    }
  }
}
