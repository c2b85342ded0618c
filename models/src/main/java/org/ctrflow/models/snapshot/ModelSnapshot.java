package org.ctrflow.models.snapshot;

import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.BAD_METADATA;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.SHAPE_MISMATCH;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemaCodec;

/**
 * A full, self-describing model version: feature schema, architecture and every weight, so a server
 * needs nothing else to score. Inside the {@link Framing frame} (magic "CTRS", version 1, length,
 * trailing SHA-256), the body is, little-endian:
 *
 * <pre>
 *   string  model name
 *   int64   version
 *   int64   created at, epoch milliseconds
 *   string  feature schema JSON ({@link FeatureSchemaCodec#toJson})
 *   string  model config JSON ({@link CtrModelConfig#toJson})
 *   int32   tensor count, then each tensor as {@link Tensors} lays it out, in the order of
 *           {@code block.getParameters()} (batch-norm running statistics included)
 * </pre>
 *
 * Written tensor by tensor rather than through DJL's opaque {@code saveParameters}, so that loading
 * can check every tensor's name, shape and finiteness and say which one is wrong.
 */
public final class ModelSnapshot {

  /** "CTRS". */
  static final int MAGIC = 0x43545253;

  public static final int FORMAT_VERSION = 1;

  private ModelSnapshot() {}

  /** What {@link #read} returns: a model version ready to score. */
  public record Loaded(ModelInfo info, FeatureSchema schema, CtrModelBlock block) {}

  /**
   * Serialises an initialised block with its identity and schema.
   *
   * @throws IllegalArgumentException if the schema's fields or rows do not fit the block's config
   */
  public static byte[] write(ModelInfo info, FeatureSchema schema, CtrModelBlock block) {
    if (!block.isInitialized()) {
      throw new IllegalStateException("cannot snapshot an uninitialised model");
    }
    String mismatch = schemaMismatch(schema, block.config());
    if (mismatch != null) {
      throw new IllegalArgumentException(mismatch);
    }
    Framing.Writer out =
        new Framing.Writer(MAGIC, FORMAT_VERSION, Float.BYTES * Tensors.floatCount(block))
            .putString(info.modelName())
            .putLong(info.version())
            .putLong(info.createdAtMillis())
            .putString(FeatureSchemaCodec.toJson(schema))
            .putString(block.config().toJson());
    List<Pair<String, Parameter>> parameters = Tensors.parameters(block);
    out.putInt(parameters.size());
    for (Pair<String, Parameter> parameter : parameters) {
      Tensors.write(out, Tensors.of(parameter.getKey(), parameter.getValue().getArray()));
    }
    return out.seal();
  }

  /**
   * Verifies and loads a snapshot into fresh blocks on a sub-manager of {@code manager} (closed
   * again if loading fails, so a rejected file leaks nothing).
   *
   * @throws SnapshotFormatException naming the first rule the bytes break
   */
  public static Loaded read(byte[] bytes, NDManager manager) throws SnapshotFormatException {
    ByteBuffer in = Framing.open(bytes, MAGIC, FORMAT_VERSION, "snapshot");
    ModelInfo info = readInfo(in);
    FeatureSchema schema;
    CtrModelConfig config;
    try {
      schema = FeatureSchemaCodec.fromJson(Framing.getString(in, "schema JSON"));
      config = CtrModelConfig.fromJson(Framing.getString(in, "config JSON"));
    } catch (IllegalArgumentException e) {
      throw new SnapshotFormatException(
          BAD_METADATA, "invalid metadata in snapshot: " + e.getMessage(), e);
    }
    String mismatch = schemaMismatch(schema, config);
    if (mismatch != null) {
      throw new SnapshotFormatException(SHAPE_MISMATCH, mismatch);
    }
    int count = Framing.getInt(in, "tensor count");
    List<Tensors.NamedTensor> tensors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      tensors.add(Tensors.read(in));
    }
    NDManager scope = manager.newSubManager();
    try {
      CtrModelBlock block = Tensors.zeroBlock(config, scope);
      Tensors.copyInto(block, tensors, List.of());
      return new Loaded(info, schema, block);
    } catch (SnapshotFormatException | RuntimeException e) {
      scope.close();
      throw e;
    }
  }

  /**
   * The identity of a snapshot, without loading its tensors (the checksum is still verified).
   *
   * @throws SnapshotFormatException if the bytes are not a valid snapshot frame
   */
  public static ModelInfo info(byte[] bytes) throws SnapshotFormatException {
    return readInfo(Framing.open(bytes, MAGIC, FORMAT_VERSION, "snapshot"));
  }

  private static ModelInfo readInfo(ByteBuffer in) throws SnapshotFormatException {
    String name = Framing.getString(in, "model name");
    long version = Framing.getLong(in, "version");
    long createdAt = Framing.getLong(in, "created-at");
    try {
      return new ModelInfo(name, version, createdAt);
    } catch (IllegalArgumentException e) {
      throw new SnapshotFormatException(
          BAD_METADATA, "invalid snapshot identity: " + e.getMessage());
    }
  }

  /** Why rows encoded by {@code schema} cannot feed a model of {@code config}, or null. */
  private static String schemaMismatch(FeatureSchema schema, CtrModelConfig config) {
    if (schema.fieldCount() != config.numFields() || schema.totalRows() > config.numRows()) {
      return "feature schema '"
          + schema.name()
          + "' ("
          + schema.fieldCount()
          + " fields, "
          + schema.totalRows()
          + " rows) does not fit the model config ("
          + config.numFields()
          + " fields, "
          + config.numRows()
          + " rows)";
    }
    return null;
  }
}
