package org.ctrflow.connectors.generator;

/**
 * Counts of one drift phase: the events between two drift steps.
 *
 * @param phase 0 before the first drift step, n after the n-th
 * @param impressions impressions generated in the phase
 * @param clicks clicks among them
 * @param sumPTrue the sum of the teacher's probabilities, for the expected CTR
 */
public record PhaseStats(int phase, long impressions, long clicks, double sumPTrue) {

  public double ctr() {
    return impressions == 0 ? 0 : (double) clicks / impressions;
  }

  /** The teacher's mean click probability: the CTR the phase should show. */
  public double meanPTrue() {
    return impressions == 0 ? 0 : sumPTrue / impressions;
  }
}
