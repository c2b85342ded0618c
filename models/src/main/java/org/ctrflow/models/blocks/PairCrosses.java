package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;

/**
 * Hashed crosses of every pair of fields: pair p = (i, j), i &lt; j, of an example whose rows are a
 * (field i) and b (field j) maps to row {@code (a·P1 + b·P2 + p·P3) mod rows} of the cross table.
 * Exact int64 arithmetic (every term below 2^61, so the sum cannot overflow), computed the same way
 * in Java ({@link #row}) and on tensors ({@link #rows(NDArray)}), so that the trainer's per-example
 * learner and a served model's forward pass read the same weights.
 */
public final class PairCrosses {

  private static final long P1 = 1_000_000_007L;
  private static final long P2 = 998_244_353L;
  private static final long P3 = 1_000_000_009L;

  private final int fields;
  private final int pairs;
  private final int[] left;
  private final int[] right;
  private final long tableRows;

  /**
   * @param fields F, at least 2
   * @param tableRows rows of the cross table
   */
  public PairCrosses(int fields, long tableRows) {
    if (fields < 2) {
      throw new IllegalArgumentException("crosses need at least 2 fields, got " + fields);
    }
    Checks.positive("cross table rows", tableRows);
    this.fields = fields;
    this.tableRows = tableRows;
    pairs = fields * (fields - 1) / 2;
    left = new int[pairs];
    right = new int[pairs];
    int p = 0;
    for (int i = 0; i < fields; i++) {
      for (int j = i + 1; j < fields; j++) {
        left[p] = i;
        right[p] = j;
        p++;
      }
    }
  }

  /** Field pairs, F·(F−1)/2. */
  public int pairs() {
    return pairs;
  }

  /**
   * The cross row of pair {@code p} of the example whose F rows start at {@code offset}.
   *
   * @param rows embedding rows, each in [0, 2^31)
   */
  public long row(long[] rows, int offset, int p) {
    return (rows[offset + left[p]] * P1 + rows[offset + right[p]] * P2 + p * P3) % tableRows;
  }

  /**
   * Cross rows on tensors.
   *
   * @param indices (B, F) rows, int32 or int64
   * @return (B, F·(F−1)/2) int64 cross rows, on the indices' manager
   */
  public NDArray rows(NDArray indices) {
    NDManager manager = indices.getManager();
    NDArray x = indices.toType(DataType.INT64, false);
    NDArray a = x.get(new NDIndex(":, {}", manager.create(toLongs(left))));
    NDArray b = x.get(new NDIndex(":, {}", manager.create(toLongs(right))));
    long[] offsets = new long[pairs];
    for (int p = 0; p < pairs; p++) {
      offsets[p] = p * P3;
    }
    return a.mul(P1).add(b.mul(P2)).add(manager.create(offsets)).mod(tableRows);
  }

  int fields() {
    return fields;
  }

  private static long[] toLongs(int[] values) {
    long[] out = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      out[i] = values[i];
    }
    return out;
  }
}
