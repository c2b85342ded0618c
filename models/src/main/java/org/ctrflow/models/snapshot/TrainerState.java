package org.ctrflow.models.snapshot;

import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.BAD_METADATA;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.MODEL_MISMATCH;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.ROW_OUT_OF_RANGE;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.SHAPE_MISMATCH;

import ai.djl.ndarray.types.Shape;
import ai.djl.util.Pair;
import java.lang.reflect.RecordComponent;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelConfig;

/**
 * Everything an online trainer needs to continue exactly where it stopped (a Flink checkpoint of
 * the training operator), as plain Java values, and its binary form. Inside the {@link Framing
 * frame} (magic "CTRT", version 1, length, trailing SHA-256), the body is, little-endian:
 *
 * <pre>
 *   string  model config JSON ({@link CtrModelConfig#toJson})
 *   int64   optimizer step count (Adam's bias correction depends on it)
 *   float32 learning-rate scale
 *   int32   n, then n x int64: the touched-row set since the last clear ({@link BitSet#toLongArray})
 *   int32   tensor count, then each tensor as {@link Tensors} lays it out
 * </pre>
 *
 * The tensors' names and order are the trainer's business (weights, then optimizer moments); this
 * class checks the frame, the config JSON and every tensor's finiteness, and the trainer checks the
 * names and shapes against its own layout.
 *
 * @param modelConfig the architecture the state belongs to
 * @param step optimizer steps taken
 * @param learningRateScale the factor on the configured learning rates
 * @param touchedRows rows of the model's row tables changed since the last clear, in the trainer's
 *     row space over all of them: the next delta's rows
 * @param tensors weights and optimizer moments, values row-major
 */
public record TrainerState(
    CtrModelConfig modelConfig,
    long step,
    float learningRateScale,
    BitSet touchedRows,
    List<Tensor> tensors) {

  /** "CTRT". */
  static final int MAGIC = 0x43545254;

  public static final int FORMAT_VERSION = 1;

  /** A named float32 tensor held in Java memory. */
  public record Tensor(String name, Shape shape, float[] data) {
    public Tensor {
      if (shape.size() != data.length) {
        throw new IllegalArgumentException(
            "tensor '" + name + "' has shape " + shape + " but " + data.length + " values");
      }
    }
  }

  public TrainerState {
    tensors = List.copyOf(tensors);
    touchedRows = (BitSet) touchedRows.clone();
  }

  @Override
  public BitSet touchedRows() {
    return (BitSet) touchedRows.clone();
  }

  /** The binary form; {@link #read} reverses it. */
  public byte[] write() {
    long floats = tensors.stream().mapToLong(t -> t.data().length).sum();
    long[] words = touchedRows.toLongArray();
    Framing.Writer out =
        new Framing.Writer(MAGIC, FORMAT_VERSION, Float.BYTES * floats + Long.BYTES * words.length)
            .putString(modelConfig.toJson())
            .putLong(step)
            .putInt(Float.floatToRawIntBits(learningRateScale))
            .putInt(words.length);
    for (long word : words) {
      out.putLong(word);
    }
    out.putInt(tensors.size());
    for (Tensor t : tensors) {
      Tensors.write(out, new Tensors.NamedTensor(t.name(), t.shape(), t.data()));
    }
    return out.seal();
  }

  /**
   * Verifies and decodes {@link #write}'s output.
   *
   * @throws SnapshotFormatException for bad magic, an unknown version, truncation, a checksum
   *     mismatch, an invalid config or a non-finite value (which tensor, which index)
   */
  public static TrainerState read(byte[] bytes) throws SnapshotFormatException {
    ByteBuffer in = Framing.open(bytes, MAGIC, FORMAT_VERSION, "trainer state");
    String configJson = Framing.getString(in, "model config");
    CtrModelConfig config;
    try {
      config = CtrModelConfig.fromJson(configJson);
    } catch (IllegalArgumentException e) {
      throw new SnapshotFormatException(
          BAD_METADATA, "invalid model config in trainer state: " + e.getMessage(), e);
    }
    long step = Framing.getLong(in, "step count");
    float scale = Float.intBitsToFloat(Framing.getInt(in, "learning-rate scale"));
    if (!(step >= 0 && scale > 0f && Float.isFinite(scale))) {
      throw new SnapshotFormatException(
          BAD_METADATA,
          "trainer state needs step >= 0 and a finite learning-rate scale > 0, got "
              + step
              + " and "
              + scale);
    }
    long[] words =
        new long[Framing.need(in, Framing.getInt(in, "touched rows"), Long.BYTES, "touched rows")];
    for (int i = 0; i < words.length; i++) {
      words[i] = in.getLong();
    }
    int count = Framing.getInt(in, "tensor count");
    List<Tensor> tensors = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Tensors.NamedTensor t = Tensors.read(in);
      tensors.add(new Tensor(t.name(), t.shape(), t.data()));
    }
    return new TrainerState(config, step, scale, BitSet.valueOf(words), tensors);
  }

  /**
   * Checks that this state fits a trainer of {@code config} whose state tensors are {@code layout}
   * (names and shapes, in order), before the trainer overwrites anything.
   *
   * @param rowSpace rows of the trainer's row space (all row tables together)
   * @throws SnapshotFormatException MODEL_MISMATCH naming the config components that differ,
   *     SHAPE_MISMATCH naming the first tensor that is missing, extra, renamed or reshaped, or
   *     ROW_OUT_OF_RANGE for a touched row outside the table
   */
  public void checkFits(CtrModelConfig config, List<Pair<String, Shape>> layout, long rowSpace)
      throws SnapshotFormatException {
    if (!modelConfig.equals(config)) {
      throw new SnapshotFormatException(
          MODEL_MISMATCH,
          "trainer state is for another model config; differing components (state vs trainer): "
              + differences(modelConfig, config));
    }
    for (int i = 0; i < Math.max(layout.size(), tensors.size()); i++) {
      String expected = i < layout.size() ? layout.get(i).getKey() : "nothing";
      String found = i < tensors.size() ? tensors.get(i).name() : "nothing";
      if (!expected.equals(found)) {
        throw new SnapshotFormatException(
            SHAPE_MISMATCH,
            "trainer state tensor " + i + " is '" + found + "', expected '" + expected + "'");
      }
      Shape shape = layout.get(i).getValue();
      if (!shape.equals(tensors.get(i).shape())) {
        throw new SnapshotFormatException(
            SHAPE_MISMATCH,
            "trainer state tensor '"
                + found
                + "' has shape "
                + tensors.get(i).shape()
                + ", expected "
                + shape);
      }
    }
    if (touchedRows.length() > rowSpace) {
      throw new SnapshotFormatException(
          ROW_OUT_OF_RANGE,
          "trainer state marks touched row "
              + (touchedRows.length() - 1)
              + ", outside the table's "
              + rowSpace
              + " rows");
    }
  }

  private static String differences(CtrModelConfig a, CtrModelConfig b) {
    List<String> differing = new ArrayList<>();
    for (RecordComponent c : CtrModelConfig.class.getRecordComponents()) {
      try {
        Object x = c.getAccessor().invoke(a);
        Object y = c.getAccessor().invoke(b);
        if (!x.equals(y)) {
          differing.add(c.getName() + " " + x + " vs " + y);
        }
      } catch (ReflectiveOperationException e) {
        throw new IllegalStateException("record accessors are public", e);
      }
    }
    return String.join(", ", differing);
  }
}
