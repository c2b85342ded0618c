package org.ctrflow.models.snapshot;

import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.BAD_METADATA;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.MODEL_MISMATCH;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.ROW_OUT_OF_RANGE;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.SHAPE_MISMATCH;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.VERSION_GAP;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;

/**
 * The change from one model version to the next: every dense parameter (MLPs, gates, fusion,
 * batch-norm statistics; small and touched by every step) and, of the embedding table, only the
 * rows the trainer touched since the base version, so an update stays small however large the
 * table. Inside the {@link Framing frame} (magic "CTRD", version 1, length, trailing SHA-256), the
 * body is, little-endian:
 *
 * <pre>
 *   string  model name
 *   int64   base version (the version this delta applies to)
 *   int64   version (the version it produces)
 *   int64   created at, epoch milliseconds
 *   int32   dense tensor count, then each as {@link Tensors} lays it out, in parameter order
 *   string  embedding parameter name
 *   int32   d, the embedding width
 *   int32   n, touched rows
 *   int32   x n row ids, strictly increasing
 *   float32 x n·d the rows' values, row-major
 * </pre>
 *
 * Immutable.
 */
public final class ModelDelta {

  /** "CTRD". */
  static final int MAGIC = 0x43545244;

  public static final int FORMAT_VERSION = 1;

  private final ModelInfo info;
  private final long baseVersion;
  private final List<Tensors.NamedTensor> dense;
  private final String embeddingName;
  private final int embeddingDim;
  private final int[] rows;
  private final float[] rowValues;

  private ModelDelta(
      ModelInfo info,
      long baseVersion,
      List<Tensors.NamedTensor> dense,
      String embeddingName,
      int embeddingDim,
      int[] rows,
      float[] rowValues) {
    this.info = info;
    this.baseVersion = baseVersion;
    this.dense = List.copyOf(dense);
    this.embeddingName = embeddingName;
    this.embeddingDim = embeddingDim;
    this.rows = rows;
    this.rowValues = rowValues;
  }

  /**
   * Captures the current weights of {@code block} as the delta from {@code baseVersion}. Call it
   * from the training thread between steps, so no optimizer update is half-way through.
   *
   * @param touchedRows embedding rows changed since {@code baseVersion} (the trainer's set)
   * @throws IllegalArgumentException if {@code baseVersion} is not below {@code info.version()} or
   *     a touched row is outside the table
   */
  public static ModelDelta capture(
      ModelInfo info, long baseVersion, CtrModelBlock block, BitSet touchedRows) {
    if (baseVersion < 1 || baseVersion >= info.version()) {
      throw new IllegalArgumentException(
          "baseVersion must be in [1, " + info.version() + "), was " + baseVersion);
    }
    if (touchedRows.length() > block.config().numRows()) {
      throw new IllegalArgumentException(
          "touched row "
              + (touchedRows.length() - 1)
              + " is outside the table of "
              + block.config().numRows()
              + " rows");
    }
    String embeddingName = Tensors.embeddingName(block);
    List<Tensors.NamedTensor> dense = new ArrayList<>();
    for (Pair<String, Parameter> p : Tensors.parameters(block)) {
      if (!p.getKey().equals(embeddingName)) {
        dense.add(Tensors.of(p.getKey(), p.getValue().getArray()));
      }
    }
    int d = block.config().embeddingDim();
    int[] rows = touchedRows.stream().toArray();
    // One bulk copy of the table beats a JNI slice per row, and costs about a dense optimizer
    // step's memory traffic.
    float[] table = block.embeddingTable().getArray().toFloatArray();
    float[] values = new float[rows.length * d];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(table, rows[i] * d, values, i * d, d);
    }
    return new ModelDelta(info, baseVersion, dense, embeddingName, d, rows, values);
  }

  /** The version this delta produces. */
  public ModelInfo info() {
    return info;
  }

  /** The version this delta applies to. */
  public long baseVersion() {
    return baseVersion;
  }

  public int touchedRowCount() {
    return rows.length;
  }

  public byte[] toBytes() {
    long floats = rowValues.length;
    for (Tensors.NamedTensor t : dense) {
      floats += t.data().length;
    }
    Framing.Writer out =
        new Framing.Writer(
                MAGIC, FORMAT_VERSION, Float.BYTES * floats + Integer.BYTES * rows.length)
            .putString(info.modelName())
            .putLong(baseVersion)
            .putLong(info.version())
            .putLong(info.createdAtMillis())
            .putInt(dense.size());
    for (Tensors.NamedTensor t : dense) {
      Tensors.write(out, t);
    }
    return out.putString(embeddingName)
        .putInt(embeddingDim)
        .putInt(rows.length)
        .putInts(rows)
        .putFloats(rowValues)
        .seal();
  }

  /**
   * Verifies and parses {@link #toBytes()}'s output.
   *
   * @throws SnapshotFormatException naming the first rule the bytes break
   */
  public static ModelDelta fromBytes(byte[] bytes) throws SnapshotFormatException {
    ByteBuffer in = Framing.open(bytes, MAGIC, FORMAT_VERSION, "delta");
    String name = Framing.getString(in, "model name");
    long base = Framing.getLong(in, "base version");
    long version = Framing.getLong(in, "version");
    long createdAt = Framing.getLong(in, "created-at");
    if (name.isBlank() || base < 1 || base >= version) {
      throw new SnapshotFormatException(
          BAD_METADATA,
          "invalid delta identity: model '" + name + "', base " + base + ", version " + version);
    }
    int count = Framing.getInt(in, "dense tensor count");
    List<Tensors.NamedTensor> dense = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      dense.add(Tensors.read(in));
    }
    String embeddingName = Framing.getString(in, "embedding name");
    int d = Framing.getInt(in, "embedding width");
    int[] rows = new int[Framing.need(in, Framing.getInt(in, "row count"), Integer.BYTES, "rows")];
    in.asIntBuffer().get(rows);
    in.position(in.position() + rows.length * Integer.BYTES);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || (i > 0 && rows[i] <= rows[i - 1])) {
        throw new SnapshotFormatException(
            ROW_OUT_OF_RANGE,
            "delta row ids must be non-negative and strictly increasing; row id "
                + i
                + " is "
                + rows[i]);
      }
    }
    float[] values = new float[Framing.need(in, (long) rows.length * d, Float.BYTES, "row values")];
    in.asFloatBuffer().get(values);
    Tensors.requireFinite(embeddingName + " (delta rows)", values, 0);
    return new ModelDelta(
        new ModelInfo(name, version, createdAt), base, dense, embeddingName, d, rows, values);
  }

  /**
   * A new block on a sub-manager of {@code manager}: the base's weights with this delta applied.
   * The base is only read, so it can keep serving meanwhile.
   *
   * @param baseInfo the base's identity; its version must be {@link #baseVersion()}
   * @throws SnapshotFormatException for another model, a version gap, or tensors or rows that do
   *     not fit the base's architecture
   */
  public CtrModelBlock applyTo(ModelInfo baseInfo, CtrModelBlock base, NDManager manager)
      throws SnapshotFormatException {
    if (!baseInfo.modelName().equals(info.modelName())) {
      throw new SnapshotFormatException(
          MODEL_MISMATCH,
          "delta is for model '" + info.modelName() + "', not '" + baseInfo.modelName() + "'");
    }
    if (baseInfo.version() != baseVersion) {
      throw new SnapshotFormatException(
          VERSION_GAP,
          "delta to version "
              + info.version()
              + " applies to version "
              + baseVersion
              + ", but the model is at version "
              + baseInfo.version());
    }
    Shape tableShape = base.embeddingTable().getArray().getShape();
    if (!Tensors.embeddingName(base).equals(embeddingName) || tableShape.get(1) != embeddingDim) {
      throw new SnapshotFormatException(
          SHAPE_MISMATCH,
          "delta rows are '"
              + embeddingName
              + "' of width "
              + embeddingDim
              + ", the model's table is '"
              + Tensors.embeddingName(base)
              + "' of shape "
              + tableShape);
    }
    if (rows.length > 0 && rows[rows.length - 1] >= tableShape.get(0)) {
      throw new SnapshotFormatException(
          ROW_OUT_OF_RANGE,
          "delta row "
              + rows[rows.length - 1]
              + " is out of range for '"
              + embeddingName
              + "' with "
              + tableShape.get(0)
              + " rows");
    }
    NDManager scope = manager.newSubManager();
    try {
      CtrModelBlock block = Tensors.zeroBlock(base.config(), scope);
      Tensors.copyInto(block, dense, embeddingName);
      // Native copies on the weights' device: the table through a Java array and back took 1.4-3 s
      // per delta for a 2^20 x 16 table on a loaded 2-core machine, most of a refresh's lag.
      NDArray table = block.embeddingTable().getArray();
      // A served version is never trained, and autograd refuses in-place writes to a leaf that
      // requires a gradient wherever the calling thread's grad mode is on (a server's own thread).
      table.setRequiresGradient(false);
      table.set(new NDIndex(":"), base.embeddingTable().getArray());
      if (rows.length > 0) {
        try (NDManager touched = scope.newSubManager()) {
          long[] ids = new long[rows.length];
          for (int i = 0; i < rows.length; i++) {
            ids[i] = rows[i];
          }
          table.set(
              new NDIndex("{}", touched.create(ids)),
              touched.create(rowValues, new Shape(rows.length, embeddingDim)));
        }
      }
      return block;
    } catch (SnapshotFormatException | RuntimeException e) {
      scope.close();
      throw e;
    }
  }
}
