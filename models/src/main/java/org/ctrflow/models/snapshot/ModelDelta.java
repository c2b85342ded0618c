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
 * batch-norm statistics, the wide terms' bias; small and touched by every step) and, of each row
 * table ({@link CtrModelBlock#rowTables()}: the embedding table, the wide terms' tables), only the
 * rows the trainer touched since the base version, so an update stays small however large the
 * tables. Inside the {@link Framing frame} (magic "CTRD", version 2, length, trailing SHA-256), the
 * body is, little-endian:
 *
 * <pre>
 *   string  model name
 *   int64   base version (the version this delta applies to)
 *   int64   version (the version it produces)
 *   int64   created at, epoch milliseconds
 *   int32   dense tensor count, then each as {@link Tensors} lays it out, in parameter order
 *   int32   row table count, then for each, in {@code rowTables()} order:
 *     string  parameter name
 *     int32   d, the row width
 *     int32   n, touched rows
 *     int32   x n row ids, strictly increasing
 *     float32 x n·d the rows' values, row-major
 * </pre>
 *
 * Version 1, still read, has no row table count: exactly one row table, the embedding table.
 * Immutable.
 */
public final class ModelDelta {

  /** "CTRD". */
  static final int MAGIC = 0x43545244;

  public static final int FORMAT_VERSION = 2;

  /** The touched rows of one row table. */
  record TableRows(String name, int width, int[] rows, float[] values) {}

  private final ModelInfo info;
  private final long baseVersion;
  private final List<Tensors.NamedTensor> dense;
  private final List<TableRows> tables;

  private ModelDelta(
      ModelInfo info, long baseVersion, List<Tensors.NamedTensor> dense, List<TableRows> tables) {
    this.info = info;
    this.baseVersion = baseVersion;
    this.dense = List.copyOf(dense);
    this.tables = List.copyOf(tables);
  }

  /**
   * Captures the current weights of {@code block} as the delta from {@code baseVersion}. Call it
   * from the training thread between steps, so no optimizer update is half-way through.
   *
   * @param touchedRows rows changed since {@code baseVersion} (the trainer's set), in the row space
   *     of {@link CtrModelBlock#rowTableOffsets()}
   * @throws IllegalArgumentException if {@code baseVersion} is not below {@code info.version()} or
   *     a touched row is outside the row tables
   */
  public static ModelDelta capture(
      ModelInfo info, long baseVersion, CtrModelBlock block, BitSet touchedRows) {
    if (baseVersion < 1 || baseVersion >= info.version()) {
      throw new IllegalArgumentException(
          "baseVersion must be in [1, " + info.version() + "), was " + baseVersion);
    }
    if (touchedRows.length() > block.rowSpace()) {
      throw new IllegalArgumentException(
          "touched row "
              + (touchedRows.length() - 1)
              + " is outside the row tables' "
              + block.rowSpace()
              + " rows");
    }
    List<Parameter> rowTables = block.rowTables();
    List<Tensors.NamedTensor> dense = new ArrayList<>();
    for (Pair<String, Parameter> p : Tensors.parameters(block)) {
      if (!rowTables.contains(p.getValue())) {
        dense.add(Tensors.of(p.getKey(), p.getValue().getArray()));
      }
    }
    long[] offsets = block.rowTableOffsets();
    List<TableRows> tables = new ArrayList<>();
    for (int t = 0; t < rowTables.size(); t++) {
      Parameter table = rowTables.get(t);
      long rows = table.getShape().get(0);
      int d = (int) table.getShape().get(1);
      int[] ids = touchedRows.get((int) offsets[t], (int) (offsets[t] + rows)).stream().toArray();
      // One bulk copy of the table beats a JNI slice per row, and costs about a dense optimizer
      // step's memory traffic.
      float[] all = ids.length == 0 ? null : table.getArray().toFloatArray();
      float[] values = new float[ids.length * d];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(all, ids[i] * d, values, i * d, d);
      }
      tables.add(new TableRows(Tensors.nameOf(block, table), d, ids, values));
    }
    return new ModelDelta(info, baseVersion, dense, tables);
  }

  /** The version this delta produces. */
  public ModelInfo info() {
    return info;
  }

  /** The version this delta applies to. */
  public long baseVersion() {
    return baseVersion;
  }

  /** Touched rows over all row tables. */
  public int touchedRowCount() {
    return tables.stream().mapToInt(t -> t.rows().length).sum();
  }

  public byte[] toBytes() {
    long floats = 0;
    long ints = 0;
    for (TableRows t : tables) {
      floats += t.values().length;
      ints += t.rows().length;
    }
    for (Tensors.NamedTensor t : dense) {
      floats += t.data().length;
    }
    Framing.Writer out =
        new Framing.Writer(MAGIC, FORMAT_VERSION, Float.BYTES * floats + Integer.BYTES * ints)
            .putString(info.modelName())
            .putLong(baseVersion)
            .putLong(info.version())
            .putLong(info.createdAtMillis())
            .putInt(dense.size());
    for (Tensors.NamedTensor t : dense) {
      Tensors.write(out, t);
    }
    out.putInt(tables.size());
    for (TableRows t : tables) {
      out.putString(t.name())
          .putInt(t.width())
          .putInt(t.rows().length)
          .putInts(t.rows())
          .putFloats(t.values());
    }
    return out.seal();
  }

  /**
   * Verifies and parses {@link #toBytes()}'s output.
   *
   * @throws SnapshotFormatException naming the first rule the bytes break
   */
  public static ModelDelta fromBytes(byte[] bytes) throws SnapshotFormatException {
    ByteBuffer in = Framing.open(bytes, MAGIC, 1, FORMAT_VERSION, "delta");
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
    int tableCount = Framing.version(bytes) == 1 ? 1 : Framing.getInt(in, "row table count");
    if (tableCount < 0) {
      throw new SnapshotFormatException(BAD_METADATA, "negative row table count " + tableCount);
    }
    List<TableRows> tables = new ArrayList<>();
    for (int t = 0; t < tableCount; t++) {
      tables.add(readRows(in));
    }
    return new ModelDelta(new ModelInfo(name, version, createdAt), base, dense, tables);
  }

  private static TableRows readRows(ByteBuffer in) throws SnapshotFormatException {
    String tableName = Framing.getString(in, "row table name");
    int d = Framing.getInt(in, "row width of '" + tableName + "'");
    int[] rows =
        new int[Framing.need(in, Framing.getInt(in, "row count"), Integer.BYTES, "row ids")];
    in.asIntBuffer().get(rows);
    in.position(in.position() + rows.length * Integer.BYTES);
    for (int i = 0; i < rows.length; i++) {
      if (rows[i] < 0 || (i > 0 && rows[i] <= rows[i - 1])) {
        throw new SnapshotFormatException(
            ROW_OUT_OF_RANGE,
            "delta row ids of '"
                + tableName
                + "' must be non-negative and strictly increasing; row id "
                + i
                + " is "
                + rows[i]);
      }
    }
    float[] values = new float[Framing.need(in, (long) rows.length * d, Float.BYTES, "row values")];
    in.asFloatBuffer().get(values);
    in.position(in.position() + values.length * Float.BYTES);
    Tensors.requireFinite(tableName + " (delta rows)", values, 0);
    return new TableRows(tableName, d, rows, values);
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
    List<Parameter> rowTables = base.rowTables();
    List<String> names = new ArrayList<>();
    for (Parameter table : rowTables) {
      names.add(Tensors.nameOf(base, table));
    }
    if (!names.equals(tables.stream().map(TableRows::name).toList())) {
      throw new SnapshotFormatException(
          SHAPE_MISMATCH,
          "delta rows are of tables "
              + tables.stream().map(TableRows::name).toList()
              + ", the model's row tables are "
              + names);
    }
    for (int t = 0; t < tables.size(); t++) {
      TableRows rows = tables.get(t);
      Shape shape = rowTables.get(t).getArray().getShape();
      if (shape.get(1) != rows.width()) {
        throw new SnapshotFormatException(
            SHAPE_MISMATCH,
            "delta rows of '"
                + rows.name()
                + "' have width "
                + rows.width()
                + ", the model's table has shape "
                + shape);
      }
      int[] ids = rows.rows();
      if (ids.length > 0 && ids[ids.length - 1] >= shape.get(0)) {
        throw new SnapshotFormatException(
            ROW_OUT_OF_RANGE,
            "delta row "
                + ids[ids.length - 1]
                + " is out of range for '"
                + rows.name()
                + "' with "
                + shape.get(0)
                + " rows");
      }
    }
    NDManager scope = manager.newSubManager();
    try {
      CtrModelBlock block = Tensors.zeroBlock(base.config(), scope);
      Tensors.copyInto(block, dense, names);
      List<Parameter> targets = block.rowTables();
      for (int t = 0; t < tables.size(); t++) {
        // Native copies on the weights' device: a table through a Java array and back took 1.4-3 s
        // per delta for a 2^20 x 16 table on a loaded 2-core machine, most of a refresh's lag.
        NDArray table = targets.get(t).getArray();
        // A served version is never trained, and autograd refuses in-place writes to a leaf that
        // requires a gradient wherever the calling thread's grad mode is on (a server's own
        // thread).
        table.setRequiresGradient(false);
        table.set(new NDIndex(":"), rowTables.get(t).getArray());
        TableRows rows = tables.get(t);
        if (rows.rows().length > 0) {
          try (NDManager touched = scope.newSubManager()) {
            long[] ids = new long[rows.rows().length];
            for (int i = 0; i < ids.length; i++) {
              ids[i] = rows.rows()[i];
            }
            table.set(
                new NDIndex("{}", touched.create(ids)),
                touched.create(rows.values(), new Shape(ids.length, rows.width())));
          }
        }
      }
      return block;
    } catch (SnapshotFormatException | RuntimeException e) {
      scope.close();
      throw e;
    }
  }
}
