package org.ctrflow.models.metrics;

/**
 * A statistic over a multiset of weighted, scored, labelled examples that can forget an example as
 * well as learn one; {@link MetricWindow} validates the arguments once for all statistics.
 */
interface Accumulator {

  /**
   * Adds ({@code sign = 1}) an example, or removes ({@code sign = -1}) one added before.
   *
   * @param score in [0, 1]
   * @param label 0 or 1
   * @param weight finite, {@code >= 0}
   */
  void apply(double score, int label, double weight, int sign);

  /** Forgets every example. */
  void clear();
}
