package org.ctrflow.jobs.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.ctrflow.connectors.events.ScoreRequest;

/**
 * The requests waiting for the next forward pass: {@code flush} runs when {@code batchSize} are
 * buffered or {@code maxDelayMillis} (a processing-time timer) after the first of them arrived. The
 * owner also flushes before a checkpoint barrier and a model update, and {@link #drain()}s the
 * batch to score it. Used on the operator's mailbox thread only.
 */
final class PendingBatch {

  /** A buffered request and its stream record's timestamp, which its prediction keeps. */
  record Pending(ScoreRequest request, long timestamp, boolean hasTimestamp) {}

  private final int batchSize;
  private final long maxDelayMillis;
  private final ProcessingTimeService time;
  private final Runnable flush;
  private final List<Pending> pending;
  private ScheduledFuture<?> timer;

  PendingBatch(int batchSize, long maxDelayMillis, ProcessingTimeService time, Runnable flush) {
    this.batchSize = batchSize;
    this.maxDelayMillis = maxDelayMillis;
    this.time = time;
    this.flush = flush;
    this.pending = new ArrayList<>(batchSize);
  }

  /** Buffers one request; runs {@code flush} when the batch is full, else starts its timer. */
  void add(Pending request) {
    pending.add(request);
    if (pending.size() >= batchSize) {
      flush.run();
    } else if (timer == null) {
      timer =
          time.registerTimer(
              time.getCurrentProcessingTime() + maxDelayMillis, timestamp -> flush.run());
    }
  }

  /** Takes the buffered requests in arrival order (possibly none) and stops the timer. */
  List<Pending> drain() {
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    List<Pending> taken = List.copyOf(pending);
    pending.clear();
    return taken;
  }

  boolean isEmpty() {
    return pending.isEmpty();
  }

  int size() {
    return pending.size();
  }
}
