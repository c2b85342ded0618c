package org.ctrflow.connectors.generator;

/** One scripted change of the teacher model, applied just before event {@link #atEvent()}. */
public sealed interface DriftStep {

  /** The 0-based index of the first event drawn after the change. */
  long atEvent();

  /**
   * The CTR of one segment flips: the first-order weight {@code w} of {@code field=value} becomes
   * {@code -sign(w) * max(|w|, 1.5)}, so a segment above its field's average falls below it (and
   * vice versa) by at least 1.5 logits, even when its weight was near zero.
   */
  record FlipSegment(long atEvent, String field, int value) implements DriftStep {}

  /**
   * {@code count} new items with freshly drawn weights enter the catalogue and take the most
   * popular ranks, the way new content crowds a feed.
   */
  record NewItems(long atEvent, int count) implements DriftStep {}

  /** The base rate (the CTR of an event whose weights are all zero) changes to {@code ctr}. */
  record BaseRate(long atEvent, double ctr) implements DriftStep {}
}
