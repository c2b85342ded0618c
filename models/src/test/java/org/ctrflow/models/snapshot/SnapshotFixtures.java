package org.ctrflow.models.snapshot;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;

/** Models, inputs and byte surgery shared by the snapshot tests. */
final class SnapshotFixtures {

  /** Frappe's schema: 10 fields, 5,392 rows; models below have at least that many rows. */
  static final FeatureSchema FRAPPE = FeatureSchemas.frappe();

  private SnapshotFixtures() {}

  /** A small model over Frappe's 10 fields: batch norm, gates on user and item, 2 heads. */
  static CtrModelConfig small(String model, long rows, int dim) {
    return CtrModelConfig.builder()
        .setModel(model)
        .setNumRows(rows)
        .setNumFields(10)
        .setEmbeddingDim(dim)
        .optMlp1Units(List.of(8, 6))
        .optMlp1Dropout(0.1f)
        .optMlp2Units(List.of(4))
        .optMlp2Dropout(0.1f)
        .optBatchNorm(true)
        .optGateHiddenUnits(List.of(5))
        .optGate1ContextFields(List.of(0))
        .optGate2ContextFields(List.of(1))
        .optHeads(2)
        .optEmbeddingL2(0.01f)
        .build();
  }

  /**
   * An initialised model whose batch-norm running statistics have left their defaults (0 and 1), so
   * a format that dropped them would change predictions.
   */
  static CtrModelBlock trained(CtrModelConfig config, NDManager manager) {
    CtrModelBlock block = CtrModels.createInitialized(config, manager);
    try (NDManager step = manager.newSubManager()) {
      for (int i = 0; i < 3; i++) {
        block.forward(
            new ParameterStore(step, false), new NDList(indices(step, 64, config.numRows())), true);
      }
    }
    return block;
  }

  /** (B, 10) int64 rows, uniform in [0, rows). */
  static NDArray indices(NDManager manager, long batch, long rows) {
    return manager.randomInteger(0, rows, new Shape(batch, 10), DataType.INT64);
  }

  /** Recomputes the trailing SHA-256, so a test can reach the checks behind the checksum. */
  static byte[] resealed(byte[] bytes) {
    try {
      int end = bytes.length - 32;
      byte[] copy = bytes.clone();
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(copy, 0, end);
      System.arraycopy(digest.digest(), 0, copy, end, 32);
      return copy;
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }

  /** Replaces an ASCII string in the bytes by one of the same length. */
  static byte[] replaced(byte[] bytes, String from, String to) {
    String latin1 = new String(bytes, java.nio.charset.StandardCharsets.ISO_8859_1);
    int at = latin1.indexOf(from);
    if (at < 0 || from.length() != to.length()) {
      throw new AssertionError("cannot replace '" + from + "' by '" + to + "'");
    }
    byte[] copy = bytes.clone();
    System.arraycopy(
        to.getBytes(java.nio.charset.StandardCharsets.US_ASCII), 0, copy, at, to.length());
    return copy;
  }

  static byte[] withInt(byte[] bytes, int offset, int value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putInt(offset, value);
    return copy;
  }

  static byte[] withFloat(byte[] bytes, int offset, float value) {
    byte[] copy = bytes.clone();
    ByteBuffer.wrap(copy).order(ByteOrder.LITTLE_ENDIAN).putFloat(offset, value);
    return copy;
  }

  static byte[] truncated(byte[] bytes, int length) {
    return Arrays.copyOf(bytes, length);
  }
}
