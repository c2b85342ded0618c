package org.ctrflow.labelqueue.worker;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs each {@link Worker} on a thread of its own and never lets one die silently: a worker that
 * throws (anything, errors included) is logged, counted and run again after an exponential backoff.
 * The service is ready only while every worker runs, says it is ready and has shown progress within
 * the stall timeout, so an orchestrator sees a stuck or crashing worker the way a user would, and
 * restarts the process if it never recovers.
 */
public final class Supervisor implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);

  /** First restart delay; doubles per consecutive failure up to {@link #BACKOFF_MAX}. */
  static final Duration BACKOFF_BASE = Duration.ofMillis(500);

  static final Duration BACKOFF_MAX = Duration.ofSeconds(30);

  /** What a worker is doing, as {@code /ready} and the metrics show it. */
  public enum State {
    /** Running, ready, with recent progress. */
    UP,
    /** Running but not ready yet (e.g. joining its consumer group). */
    STARTING,
    /** Running but silent for longer than the stall timeout (e.g. blocked on a frozen broker). */
    STALLED,
    /** Failed; waiting for its restart. */
    RESTARTING,
    /** Stopped by {@link #close()}. */
    STOPPED
  }

  private final Duration stallTimeout;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final Consumer<String> restarted;
  private final List<Slot> slots = new ArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);

  /**
   * @param stallTimeout how long a running worker may go without a heartbeat and still count as up
   * @param restarted called with the worker's name on each restart (metrics)
   */
  public Supervisor(Duration stallTimeout, Consumer<String> restarted) {
    this(stallTimeout, BACKOFF_BASE, BACKOFF_MAX, restarted);
  }

  Supervisor(
      Duration stallTimeout,
      Duration backoffBase,
      Duration backoffMax,
      Consumer<String> restarted) {
    this.stallTimeout = stallTimeout;
    this.backoffBase = backoffBase;
    this.backoffMax = backoffMax;
    this.restarted = restarted;
  }

  /** Adds a worker, run on a daemon thread of that name by {@link #start()}. */
  public Supervisor add(String name, Worker worker) {
    slots.add(new Slot(name, worker));
    return this;
  }

  public void start() {
    slots.forEach(s -> s.thread.start());
  }

  /** True while every worker is {@link State#UP}. */
  public boolean ready() {
    return slots.stream().allMatch(s -> s.state() == State.UP);
  }

  /** Each worker's state, in the order they were added. */
  public Map<String, State> states() {
    Map<String, State> out = new LinkedHashMap<>();
    slots.forEach(s -> out.put(s.name, s.state()));
    return out;
  }

  /** The delay before restart number {@code failures} (1-based): base * 2^(failures-1), capped. */
  static long backoffMillis(int failures, Duration base, Duration max) {
    double exp = base.toMillis() * Math.pow(2, Math.max(0, failures - 1));
    return (long) Math.min(exp, max.toMillis());
  }

  /**
   * Stops every worker and waits up to {@code timeout} for their threads.
   *
   * @return whether all of them ended
   */
  public boolean close(Duration timeout) throws InterruptedException {
    closing.countDown();
    slots.forEach(s -> s.worker.stop());
    long deadline = System.nanoTime() + timeout.toNanos();
    boolean all = true;
    for (Slot s : slots) {
      s.thread.join(Math.max(1, (deadline - System.nanoTime()) / 1_000_000));
      if (s.thread.isAlive()) {
        LOG.error("worker {} did not stop within {}", s.name, timeout);
        all = false;
      }
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

  private final class Slot implements Runnable {
    final String name;
    final Worker worker;
    final Thread thread;
    volatile boolean running;
    volatile long lastBeat;

    Slot(String name, Worker worker) {
      this.name = name;
      this.worker = worker;
      this.thread = new Thread(this, name);
      thread.setDaemon(true);
    }

    State state() {
      if (closing.getCount() == 0) {
        return State.STOPPED;
      }
      if (!running) {
        return State.RESTARTING;
      }
      if (System.nanoTime() - lastBeat > stallTimeout.toNanos()) {
        return State.STALLED;
      }
      return worker.ready() ? State.UP : State.STARTING;
    }

    @Override
    public void run() {
      int failures = 0;
      while (closing.getCount() > 0) {
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
        if (closing.getCount() == 0) {
          return;
        }
        // A worker that ran well for a while starts its backoff over.
        failures = System.nanoTime() - started > backoffMax.toNanos() ? 1 : failures + 1;
        long wait = backoffMillis(failures, backoffBase, backoffMax);
        restarted.accept(name);
        LOG.error("worker {} failed; restart {} in {} ms", name, failures, wait, failure);
        try {
          if (closing.await(wait, TimeUnit.MILLISECONDS)) {
            return;
          }
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
