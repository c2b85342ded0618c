package org.ctrflow.models.training;

import java.util.Arrays;

/**
 * Checks a batch's inputs before they reach native code (an out-of-range row would crash or read
 * garbage there), and maps its rows to batch-local positions for the gathered embedding leaf.
 */
final class BatchInputs {

  private final int fields;
  private final long numRows;
  // localRow[r]: row r's position among the current batch's distinct rows, -1 when absent.
  private final int[] localRow;

  BatchInputs(int fields, long numRows) {
    if (numRows > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "numRows " + numRows + " exceeds the trainer's limit " + Integer.MAX_VALUE);
    }
    this.fields = fields;
    this.numRows = numRows;
    localRow = new int[(int) numRows];
    Arrays.fill(localRow, -1);
  }

  /**
   * Writes the batch's distinct rows to {@code distinct} (in first-seen order) and each entry's
   * position among them to {@code local}; O(batch) with the {@link #localRow} map.
   */
  int indexRows(long[] rows, long[] distinct, long[] local) {
    int count = 0;
    for (int i = 0; i < rows.length; i++) {
      int r = (int) rows[i];
      if (localRow[r] < 0) {
        localRow[r] = count;
        distinct[count++] = r;
      }
      local[i] = localRow[r];
    }
    return count;
  }

  /** Resets the map for the next batch: O(batch), not O(table). */
  void forget(long[] distinct, int count) {
    for (int i = 0; i < count; i++) {
      localRow[(int) distinct[i]] = -1;
    }
  }

  void checkRows(long[] rows, int batchSize) {
    if (batchSize <= 0 || rows.length < (long) batchSize * fields) {
      throw new IllegalArgumentException(
          "need batchSize > 0 and "
              + fields
              + " rows per example; got batchSize "
              + batchSize
              + " and "
              + rows.length
              + " rows");
    }
    for (int i = 0; i < batchSize * fields; i++) {
      if (rows[i] < 0 || rows[i] >= numRows) {
        throw new IllegalArgumentException(
            "row " + rows[i] + " of example " + i / fields + " is outside [0, " + numRows + ")");
      }
    }
  }

  static void checkTargets(float[] labels, float[] weights, int batchSize) {
    if (labels.length < batchSize || weights.length < batchSize) {
      throw new IllegalArgumentException(
          "need "
              + batchSize
              + " labels and weights, got "
              + labels.length
              + " and "
              + weights.length);
    }
    for (int i = 0; i < batchSize; i++) {
      if (!(labels[i] >= 0f && labels[i] <= 1f)
          || !(weights[i] >= 0f)
          || weights[i] == Float.POSITIVE_INFINITY) {
        throw new IllegalArgumentException(
            "example "
                + i
                + ": label must be in [0, 1] and weight finite and >= 0, got "
                + labels[i]
                + " and "
                + weights[i]);
      }
    }
  }

  static float[] ones(int n) {
    float[] w = new float[n];
    Arrays.fill(w, 1f);
    return w;
  }
}
