package org.ctrflow.serving;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One background loop of the server (a model's batcher, the model refresher) on its own thread,
 * restarted when it fails. A loop runs until {@link #running()} turns false; if it throws anything
 * (an {@link OutOfMemoryError} included) or returns before that, it is down: counted in {@code
 * ctrflow_serving_worker_restarts_total{worker}}, {@code ctrflow_serving_worker_up{worker}} is 0
 * and readiness is false until the loop runs again, after a wait that doubles with each failure in
 * a row (from {@code worker-restart-backoff-ms} up to a minute) and starts over once a run lasted
 * that long. So a worker never dies silently: an orchestrator sees the server not ready.
 */
final class SupervisedWorker implements AutoCloseable {

  /** The loop a worker runs. */
  interface Loop {
    /** Runs until {@code worker.running()} is false; returning earlier counts as a failure. */
    void run(SupervisedWorker worker) throws Exception;
  }

  /** The longest wait between restarts, and the run that resets the wait to the first. */
  static final long MAX_BACKOFF_MILLIS = 60_000;

  private static final Logger LOG = LoggerFactory.getLogger(SupervisedWorker.class);

  private final String name;
  private final Loop loop;
  private final long firstBackoffMillis;
  private final CounterDataPoint restarts;
  private final GaugeDataPoint upGauge;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean up;
  private long restartCount;

  SupervisedWorker(String name, Loop loop, long firstBackoffMillis, ServingMetrics metrics) {
    this.name = name;
    this.loop = loop;
    this.firstBackoffMillis = firstBackoffMillis;
    this.restarts = metrics.workerRestarts.labelValues(name);
    this.upGauge = metrics.workerUp.labelValues(name);
    this.thread = new Thread(this::supervise, name);
    thread.setDaemon(true);
  }

  void start() {
    setUp(true);
    thread.start();
  }

  String name() {
    return name;
  }

  /** Whether the worker should keep going: false once {@link #close()} was called. */
  boolean running() {
    return running;
  }

  /** Whether the loop is running now (false while it waits to be restarted). */
  boolean up() {
    return up;
  }

  private void supervise() {
    long backoff = firstBackoffMillis;
    while (running) {
      long started = System.nanoTime();
      setUp(true);
      Throwable failure = null;
      try {
        loop.run(this);
      } catch (Throwable t) {
        failure = t;
      }
      setUp(false);
      if (!running) {
        break;
      }
      if ((System.nanoTime() - started) / 1_000_000 >= MAX_BACKOFF_MILLIS) {
        backoff = firstBackoffMillis;
      }
      try {
        restarts.inc();
        restartCount++;
        LOG.error(
            "worker {} {}; restarting it in {} ms (restart {})",
            name,
            failure == null ? "returned while the server runs" : "failed: " + failure,
            backoff,
            restartCount,
            failure);
      } catch (Throwable reportingFailed) {
        // Out of memory even for the report: the restart below matters more.
      }
      // A loop ended by an interrupt leaves the flag set; it must not cut this wait short.
      Thread.interrupted();
      try {
        Thread.sleep(backoff);
      } catch (InterruptedException e) {
        // close() interrupts; the loop condition decides
      }
      backoff = Math.min(2 * backoff, Math.max(MAX_BACKOFF_MILLIS, firstBackoffMillis));
    }
  }

  private void setUp(boolean value) {
    up = value;
    upGauge.set(value ? 1 : 0);
  }

  /** Stops the loop (it is interrupted) and waits for it to end. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.interrupt();
    thread.join(10_000);
  }
}
