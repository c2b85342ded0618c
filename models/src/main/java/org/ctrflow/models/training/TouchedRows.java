package org.ctrflow.models.training;

import java.util.BitSet;

/**
 * The embedding rows training changed since the last {@link #clear()}: what a model delta must
 * carry besides the dense parameters. Thread-safe, so a publisher may read it while the training
 * thread marks rows.
 */
public final class TouchedRows {

  private final BitSet rows = new BitSet();

  synchronized void mark(long[] distinctRows, int count) {
    for (int i = 0; i < count; i++) {
      rows.set((int) distinctRows[i]);
    }
  }

  /** A copy of the rows touched since the last {@link #clear()}. */
  public synchronized BitSet snapshot() {
    return (BitSet) rows.clone();
  }

  /** The touched rows, cleared atomically: publish a delta of exactly these. */
  public synchronized BitSet drain() {
    BitSet copy = (BitSet) rows.clone();
    rows.clear();
    return copy;
  }

  /** Replaces the set, when restoring a trainer's state. */
  synchronized void replace(BitSet restored) {
    rows.clear();
    rows.or(restored);
  }

  public synchronized void clear() {
    rows.clear();
  }

  public synchronized int count() {
    return rows.cardinality();
  }
}
