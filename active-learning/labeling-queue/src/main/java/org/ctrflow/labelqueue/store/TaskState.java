package org.ctrflow.labelqueue.store;

/** Where a labeling task is in its life. */
public enum TaskState {
  /** Waiting for a labeler, in the priority index. */
  PENDING,
  /** Handed to one labeler until its lease ends; then pending again. */
  LEASED,
  /** Labeled; its label is in (or on its way to) the human-labels topic. Final. */
  LABELED,
  /** Too old, or skipped too often, to be worth a label. Final. */
  EXPIRED
}
