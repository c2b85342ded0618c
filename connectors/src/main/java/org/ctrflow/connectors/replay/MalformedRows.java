package org.ctrflow.connectors.replay;

import java.util.ArrayList;
import java.util.List;

/**
 * Malformed rows seen so far: the first {@link #KEPT} in full, the rest only counted, so a file
 * that is malformed throughout cannot exhaust memory.
 */
public final class MalformedRows {

  public static final int KEPT = 100;

  private final List<MalformedRow> first = new ArrayList<>();
  private long total;

  public void add(long lineNumber, String reason) {
    total++;
    if (first.size() < KEPT) {
      first.add(new MalformedRow(lineNumber, reason));
    }
  }

  /** How many rows were malformed in all. */
  public long total() {
    return total;
  }

  /** The first (up to {@link #KEPT}) malformed rows, in file order. */
  public List<MalformedRow> first() {
    return List.copyOf(first);
  }
}
