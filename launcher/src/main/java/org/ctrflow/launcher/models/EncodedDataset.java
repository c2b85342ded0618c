package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.models.features.FeatureEncoder;

/**
 * A whole dataset file, encoded into embedding rows, in memory: what multi-epoch training shuffles
 * and re-reads. (F longs and one float per example: Frappe's 200k rows take 17 MB.)
 */
final class EncodedDataset {

  private final int fields;
  private long[] rows;
  private float[] labels;
  private int size;

  private EncodedDataset(int fields) {
    this.fields = fields;
    rows = new long[1024 * fields];
    labels = new float[1024];
  }

  static EncodedDataset load(
      DatasetOptions options, Path file, FeatureEncoder encoder, PrintWriter err)
      throws IOException {
    EncodedDataset data = new EncodedDataset(encoder.schema().fieldCount());
    int[] example = new int[data.fields];
    try (DatasetReader reader = options.open(file)) {
      while (data.size < options.limit && reader.hasNext()) {
        DatasetRow row = reader.next();
        encoder.encode(row.categorical(), row.numeric(), example, 0);
        data.add(example, row.label());
      }
      ModelCommand.reportMalformed(err, reader);
    }
    if (data.size == 0) {
      throw new IllegalArgumentException(file + " has no valid rows");
    }
    return data;
  }

  /** Several files of one layout, read in order into one dataset. */
  static EncodedDataset load(
      List<Path> files, DatasetFormat format, ModelPreset preset, ModelSetup setup, PrintWriter err)
      throws IOException {
    FeatureEncoder encoder = setup.schema().encoder();
    EncodedDataset data = new EncodedDataset(encoder.schema().fieldCount());
    int[] example = new int[data.fields];
    for (Path file : files) {
      try (DatasetReader reader = format.open(file, preset.libFmFields(), preset.csvOptions())) {
        while (reader.hasNext()) {
          DatasetRow row = reader.next();
          encoder.encode(row.categorical(), row.numeric(), example, 0);
          data.add(example, row.label());
        }
        ModelCommand.reportMalformed(err, reader);
      }
    }
    if (data.size == 0) {
      throw new IllegalArgumentException(files + " have no valid rows");
    }
    return data;
  }

  private void add(int[] example, int label) {
    if (size == labels.length) {
      labels = Arrays.copyOf(labels, size * 2);
      rows = Arrays.copyOf(rows, size * 2 * fields);
    }
    for (int f = 0; f < fields; f++) {
      rows[size * fields + f] = example[f];
    }
    labels[size++] = label;
  }

  int size() {
    return size;
  }

  /** Rows of examples {@code [from, from + n)}. */
  int fields() {
    return fields;
  }

  long[] rows(int from, int n) {
    return Arrays.copyOfRange(rows, from * fields, (from + n) * fields);
  }

  float[] labels(int from, int n) {
    return Arrays.copyOfRange(labels, from, from + n);
  }

  /** A random permutation of the examples (Fisher-Yates). */
  int[] shuffled(Random random) {
    int[] order = new int[size];
    for (int i = 0; i < size; i++) {
      order[i] = i;
    }
    for (int i = size - 1; i > 0; i--) {
      int j = random.nextInt(i + 1);
      int t = order[i];
      order[i] = order[j];
      order[j] = t;
    }
    return order;
  }

  /**
   * Copies the examples {@code order[from, from + n)} into {@code rowsOut} and {@code labelsOut}.
   */
  void gather(int[] order, int from, int n, long[] rowsOut, float[] labelsOut) {
    for (int i = 0; i < n; i++) {
      int e = order[from + i];
      System.arraycopy(rows, e * fields, rowsOut, i * fields, fields);
      labelsOut[i] = labels[e];
    }
  }
}
