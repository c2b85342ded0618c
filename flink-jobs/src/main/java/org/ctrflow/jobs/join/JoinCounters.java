package org.ctrflow.jobs.join;

import org.apache.flink.metrics.Counter;
import org.apache.flink.metrics.MetricGroup;

/**
 * The label join's bookkeeping in Flink metrics. Every record an operator takes in ends in exactly
 * one of four places, so {@code recordsIn = recordsJoined + recordsDeduplicated +
 * recordsDeadLettered + recordsPending} holds at every moment:
 *
 * <ul>
 *   <li>{@code recordsJoined}: part of an emitted example (an impression, the click that labeled it
 *       1, a human label);
 *   <li>{@code recordsDeduplicated}: a repeat of an impression, click or human label already seen;
 *   <li>{@code recordsDeadLettered}: a click that labels nothing (late, outside the window, or
 *       without an impression), sent to the dead-letter topic with the reason;
 *   <li>{@code recordsPending}: waiting in keyed state for its window to close or its impression.
 * </ul>
 *
 * Metrics count from the start of a task attempt; after a restore, {@code recordsPending} is
 * relative to the pending records the checkpoint brought back (it may go below zero).
 */
final class JoinCounters {

  final Counter recordsIn;
  final Counter recordsJoined;
  final Counter recordsDeduplicated;
  final Counter recordsDeadLettered;
  final Counter recordsPending;
  final Counter examplesOut;
  final Counter lateClicks;
  final Counter clicksOutsideWindow;
  final Counter orphanClicks;

  JoinCounters(MetricGroup group) {
    recordsIn = group.counter("recordsIn");
    recordsJoined = group.counter("recordsJoined");
    recordsDeduplicated = group.counter("recordsDeduplicated");
    recordsDeadLettered = group.counter("recordsDeadLettered");
    recordsPending = group.counter("recordsPending");
    examplesOut = group.counter("examplesOut");
    lateClicks = group.counter("lateClicks");
    clicksOutsideWindow = group.counter("clicksOutsideWindow");
    orphanClicks = group.counter("orphanClicks");
  }
}
