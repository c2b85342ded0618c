package org.ctrflow.launcher.pipeline;

import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.LongSupplier;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.core.execution.JobClient;

/**
 * Waits until every stage of a benchmark has reached its target count, and fails with a message
 * naming each stage's count, target and the jobs' states when a job fails or stops, when no stage
 * has made progress for the stall timeout, or at the deadline. A benchmark waiting on Kafka topics
 * otherwise waits in silence for output that a failed or stalled job will never write.
 */
final class StageWatch {

  /** A count to reach; {@code poll} reads the latest count (and may block briefly). */
  static final class Stage {
    private final String name;
    private final long target;
    private final LongSupplier poll;
    private long count;
    private long doneAt;

    Stage(String name, long target, LongSupplier poll) {
      this.name = name;
      this.target = target;
      this.poll = poll;
    }

    boolean done() {
      return doneAt != 0;
    }

    /** {@link System#nanoTime()} when the target was reached. */
    long doneAt() {
      return doneAt;
    }

    @Override
    public String toString() {
      return String.format("%s %,d of %,d%s", name, count, target, done() ? " (done)" : "");
    }
  }

  private final Map<String, CompletableFuture<JobExecutionResult>> jobs = new LinkedHashMap<>();
  private final Duration stallTimeout;
  private final Duration reportEvery;
  private final PrintStream progress;

  /**
   * @param stallTimeout fail when no stage's count grew for this long
   * @param reportEvery print the stages' counts this often to {@code progress}
   */
  StageWatch(Duration stallTimeout, Duration reportEvery, PrintStream progress) {
    this.stallTimeout = stallTimeout;
    this.reportEvery = reportEvery;
    this.progress = progress;
  }

  /**
   * Watches {@code job}: once it ends with an error, or ends at all while {@code bounded} is false
   * (a streaming job that stops will never write the rest), {@link #await} fails naming it.
   */
  StageWatch job(String name, JobClient job, boolean bounded) {
    CompletableFuture<JobExecutionResult> result = job.getJobExecutionResult();
    jobs.put(name, bounded ? result : result.thenApply(r -> unexpectedEnd(name)));
    return this;
  }

  private static JobExecutionResult unexpectedEnd(String name) {
    throw new IllegalStateException("job " + name + " ended, but it should run until cancelled");
  }

  /**
   * Polls the stages until all are done.
   *
   * @throws IllegalStateException when a job failed or ended early, on a stall, or at {@code
   *     deadline} (a {@link System#nanoTime()})
   */
  void await(List<Stage> stages, long deadline) {
    long now = System.nanoTime();
    long lastProgress = now;
    long lastReport = now;
    while (stages.stream().anyMatch(s -> !s.done())) {
      for (Stage stage : stages) {
        if (stage.done()) {
          continue;
        }
        long count = stage.poll.getAsLong();
        now = System.nanoTime();
        if (count > stage.count) {
          stage.count = count;
          lastProgress = now;
        }
        if (stage.count >= stage.target) {
          stage.doneAt = now;
        }
      }
      failIfAJobEnded(stages);
      if (now - lastProgress > stallTimeout.toNanos()) {
        throw new IllegalStateException(
            "stalled: no stage progressed for "
                + stallTimeout.toSeconds()
                + " s; "
                + describe(stages));
      }
      if (now - deadline > 0) {
        throw new IllegalStateException("not finished by the deadline; " + describe(stages));
      }
      if (now - lastReport > reportEvery.toNanos()) {
        progress.println("  ... " + describe(stages));
        lastReport = now;
      }
    }
  }

  private void failIfAJobEnded(List<Stage> stages) {
    for (Map.Entry<String, CompletableFuture<JobExecutionResult>> job : jobs.entrySet()) {
      if (!job.getValue().isCompletedExceptionally()) {
        continue;
      }
      try {
        job.getValue().get();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted", e);
      } catch (ExecutionException e) {
        throw new IllegalStateException(
            "job "
                + job.getKey()
                + " failed or ended early: "
                + rootMessage(e)
                + "; "
                + describe(stages),
            e.getCause());
      }
    }
  }

  private String describe(List<Stage> stages) {
    List<String> jobStates = new ArrayList<>();
    jobs.forEach(
        (name, result) ->
            jobStates.add(
                name
                    + (result.isCompletedExceptionally()
                        ? " failed"
                        : result.isDone() ? " finished" : " running")));
    return "stages: " + stages + "; jobs: " + jobStates;
  }

  private static String rootMessage(Throwable e) {
    Throwable root = e;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root.getClass().getSimpleName() + ": " + root.getMessage();
  }
}
