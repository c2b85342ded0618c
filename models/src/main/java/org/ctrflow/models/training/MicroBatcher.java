package org.ctrflow.models.training;

import java.util.Arrays;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * Collects encoded examples into micro-batches for {@link OnlineTrainer}: a batch is handed to the
 * sink when it holds {@code batchSize} examples, or when its oldest example has waited {@code
 * maxWait} (checked on {@link #add} and {@link #flushIfDue}, which an idle source should call
 * periodically). Examples keep their arrival order. Not thread-safe.
 */
public final class MicroBatcher {

  /**
   * One micro-batch; its arrays belong to the sink.
   *
   * @param rows {@code size × F} embedding rows, row-major
   * @param labels one per example
   * @param weights importance weights, one per example
   */
  public record Batch(long[] rows, int size, float[] labels, float[] weights) {}

  private final int fields;
  private final int batchSize;
  private final long maxWaitNanos;
  private final LongSupplier nanoClock;
  private final Consumer<Batch> sink;
  private long[] rows;
  private float[] labels;
  private float[] weights;
  private int size;
  private long oldestNanos;

  /** With {@link System#nanoTime()} as the clock. */
  public MicroBatcher(int fields, int batchSize, long maxWaitMillis, Consumer<Batch> sink) {
    this(fields, batchSize, maxWaitMillis, System::nanoTime, sink);
  }

  /**
   * @param fields F, rows per example
   * @param maxWaitMillis 0 flushes only full batches and explicit {@link #flush()}es
   * @param nanoClock monotonic nanoseconds (tests pass a fake)
   */
  public MicroBatcher(
      int fields, int batchSize, long maxWaitMillis, LongSupplier nanoClock, Consumer<Batch> sink) {
    if (fields <= 0 || batchSize <= 0 || maxWaitMillis < 0) {
      throw new IllegalArgumentException(
          "need fields > 0, batchSize > 0, maxWaitMillis >= 0; got "
              + fields
              + ", "
              + batchSize
              + ", "
              + maxWaitMillis);
    }
    this.fields = fields;
    this.batchSize = batchSize;
    this.maxWaitNanos = maxWaitMillis * 1_000_000L;
    this.nanoClock = nanoClock;
    this.sink = sink;
    allocate();
  }

  /** Adds one example given as F rows (e.g. {@code FeatureEncoder.encode}'s output). */
  public void add(int[] exampleRows, float label, float weight) {
    if (exampleRows.length != fields) {
      throw new IllegalArgumentException(
          "an example needs " + fields + " rows, got " + exampleRows.length);
    }
    if (size == 0) {
      oldestNanos = nanoClock.getAsLong();
    }
    int offset = size * fields;
    for (int f = 0; f < fields; f++) {
      rows[offset + f] = exampleRows[f];
    }
    labels[size] = label;
    weights[size] = weight;
    size++;
    if (size == batchSize) {
      flush();
    } else {
      flushIfDue();
    }
  }

  /** Flushes a partial batch whose oldest example has waited {@code maxWait}. */
  public void flushIfDue() {
    if (size > 0 && maxWaitNanos > 0 && nanoClock.getAsLong() - oldestNanos >= maxWaitNanos) {
      flush();
    }
  }

  /** Hands the pending examples, if any, to the sink (e.g. at the end of a stream). */
  public void flush() {
    if (size == 0) {
      return;
    }
    Batch batch =
        size == batchSize
            ? new Batch(rows, size, labels, weights)
            : new Batch(
                Arrays.copyOf(rows, size * fields),
                size,
                Arrays.copyOf(labels, size),
                Arrays.copyOf(weights, size));
    allocate();
    sink.accept(batch);
  }

  /** Examples waiting for the next flush. */
  public int pending() {
    return size;
  }

  private void allocate() {
    rows = new long[batchSize * fields];
    labels = new float[batchSize];
    weights = new float[batchSize];
    size = 0;
  }
}
