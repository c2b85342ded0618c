package org.ctrflow.connectors.generator;

import java.time.Duration;
import java.util.List;

/**
 * Counts of a generator run so far (progress) or in all (summary).
 *
 * @param impressions impressions published
 * @param clicks clicks published
 * @param phases per drift phase, in order; phases the run did not reach are absent
 * @param elapsed wall-clock time since the run started
 */
public record GeneratorStats(
    long impressions, long clicks, List<PhaseStats> phases, Duration elapsed) {

  public GeneratorStats {
    phases = List.copyOf(phases);
  }

  /** Impressions plus clicks per wall-clock second. */
  public double eventsPerSecond() {
    double seconds = elapsed.toNanos() / 1e9;
    return seconds > 0 ? (impressions + clicks) / seconds : 0;
  }
}
