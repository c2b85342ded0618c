package org.ctrflow.connectors.replay;

import java.time.Duration;

/**
 * How a dataset is replayed.
 *
 * @param baseTimeMillis event time of the first row that has no time of its own, epoch ms
 * @param intervalMillis event-time step between consecutive rows without a time of their own
 * @param clickDelay when a positive row's click happens after its impression
 * @param limit most rows to replay ({@link Long#MAX_VALUE} for all)
 * @param ratePerSecond most rows per second of wall-clock time, 0 for unlimited
 * @param progressEvery how often the progress callback runs, in wall-clock time
 */
public record ReplayOptions(
    long baseTimeMillis,
    long intervalMillis,
    ClickDelay clickDelay,
    long limit,
    double ratePerSecond,
    Duration progressEvery) {

  public ReplayOptions {
    if (baseTimeMillis < 0) {
      throw new IllegalArgumentException("base time must be epoch ms >= 0, was " + baseTimeMillis);
    }
    if (intervalMillis < 0) {
      throw new IllegalArgumentException(
          "interval must be >= 0 ms, e.g. 10, was " + intervalMillis);
    }
    if (limit < 0) {
      throw new IllegalArgumentException("limit must be >= 0 rows, was " + limit);
    }
    if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "rate must be >= 0 rows per second (0 = unlimited), was " + ratePerSecond);
    }
  }

  /** All rows, unlimited rate, 10 ms apart from {@code baseTimeMillis}, clicks 1-30 s later. */
  public static ReplayOptions defaults(long baseTimeMillis) {
    return new ReplayOptions(
        baseTimeMillis, 10, ClickDelay.defaults(0), Long.MAX_VALUE, 0, Duration.ofSeconds(1));
  }

  public ReplayOptions withLimit(long rows) {
    return new ReplayOptions(
        baseTimeMillis, intervalMillis, clickDelay, rows, ratePerSecond, progressEvery);
  }
}
