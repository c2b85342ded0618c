package org.ctrflow.connectors.replay;

import java.time.Duration;
import java.util.List;

/**
 * Counts of a replay so far (progress) or in all (summary).
 *
 * @param rowsRead rows read, malformed lines excluded
 * @param impressions impressions published
 * @param clicks clicks published
 * @param malformed rows skipped: unreadable, or not a valid impression (e.g. no categorical
 *     feature)
 * @param firstMalformed the first of those, by line number
 * @param elapsed wall-clock time since the replay started
 */
public record ReplayStats(
    long rowsRead,
    long impressions,
    long clicks,
    long malformed,
    List<MalformedRow> firstMalformed,
    Duration elapsed) {

  public ReplayStats {
    firstMalformed = List.copyOf(firstMalformed);
  }

  /** Impressions plus clicks per wall-clock second. */
  public double eventsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? (impressions + clicks) / seconds : 0;
  }
}
