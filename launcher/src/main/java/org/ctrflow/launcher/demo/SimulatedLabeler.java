package org.ctrflow.launcher.demo;

import java.time.Duration;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * A labeler that needs no person: leases tasks from the labeling queue, thinks for {@code delay} (a
 * person takes a while too), then answers from the stream's {@link GroundTruth}. A sample whose
 * truth it does not know (forgotten, or not from this stream) is skipped, never guessed. It also
 * reads the queue's statistics for the status board. Off with {@code --no-auto-label}, when only
 * the statistics are read and a person labels on the labeler page.
 */
final class SimulatedLabeler implements AutoCloseable {

  private static final Duration IDLE = Duration.ofMillis(500);

  private final QueueClient queue;
  private final GroundTruth truth;
  private final StatusBoard board;
  private final Duration delay;
  private final boolean label;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicLong labeled = new AtomicLong();
  private final AtomicLong skipped = new AtomicLong();
  private final Thread thread;
  private volatile Exception lastError;
  private final Consumer<String> acknowledged;

  /**
   * @param label whether to label at all; false only reads the statistics
   * @param acknowledged called with a sample id once the queue acknowledged its label
   */
  SimulatedLabeler(
      QueueClient queue,
      GroundTruth truth,
      StatusBoard board,
      Duration delay,
      boolean label,
      Consumer<String> acknowledged) {
    this.acknowledged = acknowledged;
    this.queue = queue;
    this.truth = truth;
    this.board = board;
    this.delay = delay;
    this.label = label;
    this.thread = new Thread(this::run, "demo-labeler");
    thread.setDaemon(true);
  }

  SimulatedLabeler start() {
    thread.start();
    return this;
  }

  long labeled() {
    return labeled.get();
  }

  long skipped() {
    return skipped.get();
  }

  /** The last failed call to the queue, if any (the labeler retries after it). */
  Exception lastError() {
    return lastError;
  }

  private void run() {
    while (running.get()) {
      try {
        QueueClient.Stats stats = queue.stats();
        board.queueStats(stats.pending(), stats.labeled());
        if (!label || !labelOne()) {
          Thread.sleep(IDLE.toMillis());
        }
      } catch (InterruptedException e) {
        return;
      } catch (Exception e) {
        lastError = e;
        try {
          Thread.sleep(IDLE.toMillis());
        } catch (InterruptedException stop) {
          return;
        }
      }
    }
  }

  /** Leases and answers one task; false when none was waiting. */
  boolean labelOne() throws Exception {
    Optional<QueueClient.Task> task = queue.lease();
    if (task.isEmpty()) {
      return false;
    }
    String id = task.get().sampleId();
    Thread.sleep(delay.toMillis());
    OptionalInt answer = truth.label(id);
    if (answer.isPresent()) {
      queue.label(id, answer.getAsInt());
      acknowledged.accept(id);
      labeled.incrementAndGet();
      board.labelAnswered();
    } else {
      queue.skip(id);
      skipped.incrementAndGet();
    }
    return true;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    thread.interrupt();
    thread.join(5_000);
  }
}
