package org.ctrflow.serving;

import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Scores;

/**
 * Scores one model's requests, each with the version it acquired at arrival. With dynamic batching
 * a supervised worker ({@code batcher-<model>}) merges the requests that arrive within {@code
 * maxDelay} of the first (up to {@code maxRows} rows) into one forward pass per version; without it
 * every request runs its own pass on its own thread. Either way at most {@code capacity} requests
 * wait: the next gets a 429. A pass that fails, with any exception or error, fails only its own
 * requests: the batcher goes on.
 */
final class DynamicBatcher implements AutoCloseable {

  /** How long a close waits for the batcher's pass in progress. */
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(10);

  private record Job(ModelHandle handle, List<FeatureRow> rows, CompletableFuture<Scores> result) {}

  private final String model;
  private final boolean batching;
  private final int maxRows;
  private final long maxDelayNanos;
  private final int retryAfterSeconds;
  private final ServingMetrics metrics;
  private final BlockingQueue<Job> queue;
  private final Semaphore direct;
  private final GaugeDataPoint queued;
  private final Supervisor.Supervised worker;
  private volatile boolean running = true;

  DynamicBatcher(String model, ServingConfig config, ServingMetrics metrics, Supervisor workers) {
    this.model = model;
    this.batching = config.get(ServingConfig.BATCHING);
    this.maxRows = config.get(ServingConfig.MAX_BATCH_ROWS);
    this.maxDelayNanos = config.get(ServingConfig.MAX_QUEUE_DELAY).toNanos();
    this.retryAfterSeconds = config.retryAfterSeconds();
    this.metrics = metrics;
    this.queued = metrics.queuedRequests.labelValues(model);
    int capacity = config.get(ServingConfig.QUEUE_CAPACITY);
    this.queue = new ArrayBlockingQueue<>(capacity);
    this.direct = new Semaphore(capacity);
    this.worker = batching ? workers.start("batcher-" + model, new Batcher()) : null;
  }

  /**
   * Scores {@code rows} with {@code handle}'s version; the caller keeps the handle acquired until
   * the result completes.
   *
   * @throws ApiException 429 when the queue is full
   */
  CompletableFuture<Scores> submit(ModelHandle handle, List<FeatureRow> rows) {
    if (!batching) {
      if (!direct.tryAcquire()) {
        throw queueFull();
      }
      queued.inc();
      try {
        Scores scores = handle.servable().score(rows);
        observeBatch(rows.size(), 1);
        return CompletableFuture.completedFuture(scores);
      } catch (RuntimeException e) {
        return CompletableFuture.failedFuture(e);
      } finally {
        queued.dec();
        direct.release();
      }
    }
    Job job = new Job(handle, rows, new CompletableFuture<>());
    // Counted before the offer, so the batcher's decrement never precedes it.
    queued.inc();
    if (!running || !queue.offer(job)) {
      queued.dec();
      throw queueFull();
    }
    return job.result();
  }

  private ApiException queueFull() {
    return ApiException.busy(
        429, "queue full, retry after " + retryAfterSeconds + " s", retryAfterSeconds);
  }

  /**
   * The batcher's loop, until {@link #close()}. A fault that ends it (an interrupt) fails the jobs
   * it had taken, never leaves them waiting; the supervisor restarts it.
   */
  private final class Batcher implements Worker {
    @Override
    public void run(Runnable heartbeat) throws InterruptedException {
      batchLoop();
    }

    @Override
    public void stop() {
      running = false;
    }
  }

  private void batchLoop() throws InterruptedException {
    List<Job> batch = new ArrayList<>();
    while (running) {
      try {
        Job first = queue.poll(100, TimeUnit.MILLISECONDS);
        if (first == null) {
          continue;
        }
        queued.dec();
        batch.add(first);
        int rows = first.rows().size();
        long deadline = System.nanoTime() + maxDelayNanos;
        while (rows < maxRows) {
          Job next = queue.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
          if (next == null) {
            break;
          }
          queued.dec();
          batch.add(next);
          rows += next.rows().size();
        }
        scoreBatch(batch);
      } finally {
        for (Job job : batch) {
          job.result().completeExceptionally(restarting());
        }
        batch.clear();
      }
    }
  }

  private ApiException restarting() {
    return ApiException.busy(503, "the batcher of '" + model + "' stopped", retryAfterSeconds);
  }

  /** One forward pass per version among the batch's jobs (normally one; two during a swap). */
  private void scoreBatch(List<Job> batch) {
    Map<ModelHandle, List<Job>> byVersion = new LinkedHashMap<>();
    for (Job job : batch) {
      byVersion.computeIfAbsent(job.handle(), h -> new ArrayList<>()).add(job);
    }
    for (Map.Entry<ModelHandle, List<Job>> group : byVersion.entrySet()) {
      List<Job> jobs = group.getValue();
      try {
        List<FeatureRow> rows = new ArrayList<>();
        jobs.forEach(j -> rows.addAll(j.rows()));
        Scores scores = group.getKey().servable().score(rows);
        observeBatch(rows.size(), jobs.size());
        double[] all = scores.probabilities();
        int from = 0;
        for (Job job : jobs) {
          int to = from + job.rows().size();
          job.result().complete(new Scores(scores.model(), Arrays.copyOfRange(all, from, to)));
          from = to;
        }
      } catch (Throwable e) {
        // An engine error or an OutOfMemoryError fails this pass's requests, not the batcher.
        jobs.forEach(j -> j.result().completeExceptionally(e));
      }
    }
  }

  private void observeBatch(int rows, int requests) {
    metrics.batchRows.labelValues(model).observe(rows);
    metrics.batchRequests.labelValues(model).observe(requests);
  }

  /** Stops the batcher; requests still queued get 429 with Retry-After. */
  @Override
  public void close() throws InterruptedException {
    running = false;
    if (worker == null) {
      return;
    }
    worker.close(CLOSE_TIMEOUT);
    Job left;
    while ((left = queue.poll()) != null) {
      queued.dec();
      left.result().completeExceptionally(queueFull());
    }
  }
}
