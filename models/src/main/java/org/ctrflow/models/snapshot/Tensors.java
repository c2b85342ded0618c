package org.ctrflow.models.snapshot;

import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.NON_FINITE;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.SHAPE_MISMATCH;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.initializer.Initializer;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;

/**
 * The tensor section of snapshots and deltas, written by us instead of DJL's opaque {@code
 * saveParameters} so loading can name the parameter whose shape or values are wrong. One tensor:
 *
 * <pre>
 *   string  parameter name (DJL's hierarchical name from {@code getParameters()})
 *   int32   dtype code, 1 = float32 (the only one)
 *   int32   rank r, then r x int64 dimensions
 *   float32 x product(dimensions), row-major
 * </pre>
 *
 * {@code getParameters()} includes batch norm's running mean and variance (DJL parameters of type
 * RUNNING_MEAN / RUNNING_VAR), so inference after loading is identical.
 */
final class Tensors {

  private static final int FLOAT32 = 1;

  private Tensors() {}

  /** A parameter's values in Java memory, validated finite. */
  record NamedTensor(String name, Shape shape, float[] data) {}

  /**
   * Blocks of {@code config} with zeroed parameters, for a loader that overwrites every value: the
   * default random initialisation of a 2^20 x 16 table alone takes about half a second.
   */
  static CtrModelBlock zeroBlock(CtrModelConfig config, NDManager manager) {
    CtrModelBlock block = CtrModels.create(config);
    block.setInitializer(Initializer.ZEROS, parameter -> true);
    block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
    return block;
  }

  /** The block's parameters in DJL's order, with their names. */
  static List<Pair<String, Parameter>> parameters(CtrModelBlock block) {
    List<Pair<String, Parameter>> parameters = new ArrayList<>();
    block.getParameters().forEach(parameters::add);
    return parameters;
  }

  /** The name {@code getParameters()} gives one of the block's parameters. */
  static String nameOf(CtrModelBlock block, Parameter parameter) {
    return parameters(block).stream()
        .filter(p -> p.getValue() == parameter)
        .map(Pair::getKey)
        .findFirst()
        .orElseThrow(() -> new IllegalStateException(parameter.getName() + " is not a parameter"));
  }

  static long floatCount(CtrModelBlock block) {
    return parameters(block).stream().mapToLong(p -> p.getValue().getShape().size()).sum();
  }

  /** Copies a parameter's values to Java memory. */
  static NamedTensor of(String name, NDArray array) {
    if (array.getDataType() != DataType.FLOAT32) {
      throw new IllegalArgumentException(
          "parameter '" + name + "' is " + array.getDataType() + "; snapshots hold float32 only");
    }
    return new NamedTensor(name, array.getShape(), array.toFloatArray());
  }

  static void write(Framing.Writer out, NamedTensor tensor) {
    out.putString(tensor.name()).putInt(FLOAT32).putInt(tensor.shape().dimension());
    for (long dim : tensor.shape().getShape()) {
      out.putLong(dim);
    }
    out.putFloats(tensor.data());
  }

  static NamedTensor read(ByteBuffer in) throws SnapshotFormatException {
    String name = Framing.getString(in, "parameter name");
    int dtype = Framing.getInt(in, "dtype of '" + name + "'");
    if (dtype != FLOAT32) {
      throw new SnapshotFormatException(
          SHAPE_MISMATCH,
          "parameter '" + name + "' has dtype code " + dtype + ", expected float32");
    }
    int rank = Framing.need(in, Framing.getInt(in, "rank of '" + name + "'"), Long.BYTES, name);
    long[] dims = new long[rank];
    for (int i = 0; i < rank; i++) {
      dims[i] = in.getLong();
    }
    Shape shape = new Shape(dims);
    float[] data = new float[Framing.need(in, shape.size(), Float.BYTES, "values of " + name)];
    in.asFloatBuffer().get(data);
    in.position(in.position() + data.length * Float.BYTES);
    requireFinite(name, data, 0);
    return new NamedTensor(name, shape, data);
  }

  /**
   * @param indexBase added to the reported index, for row slices of a larger tensor
   */
  static void requireFinite(String name, float[] data, long indexBase)
      throws SnapshotFormatException {
    for (int i = 0; i < data.length; i++) {
      if (!Float.isFinite(data[i])) {
        throw new SnapshotFormatException(
            NON_FINITE,
            "non-finite weight in parameter '"
                + name
                + "' at flat index "
                + (indexBase + i)
                + ": "
                + data[i]);
      }
    }
  }

  /**
   * Overwrites the parameters of {@code target} with {@code tensors}, which must match them one to
   * one by name and shape, in order; {@code skip} names parameters the caller sets.
   */
  static void copyInto(CtrModelBlock target, List<NamedTensor> tensors, List<String> skip)
      throws SnapshotFormatException {
    List<Pair<String, Parameter>> parameters = new ArrayList<>(parameters(target));
    parameters.removeIf(p -> skip.contains(p.getKey()));
    if (parameters.size() != tensors.size()) {
      throw new SnapshotFormatException(
          SHAPE_MISMATCH,
          "expected "
              + parameters.size()
              + " tensors "
              + parameters.stream().map(Pair::getKey).toList()
              + ", found "
              + tensors.size()
              + " "
              + tensors.stream().map(NamedTensor::name).toList());
    }
    for (int i = 0; i < tensors.size(); i++) {
      NamedTensor tensor = tensors.get(i);
      Pair<String, Parameter> parameter = parameters.get(i);
      if (!parameter.getKey().equals(tensor.name())) {
        throw new SnapshotFormatException(
            SHAPE_MISMATCH,
            "tensor "
                + i
                + " is '"
                + tensor.name()
                + "', expected parameter '"
                + parameter.getKey()
                + "'");
      }
      set(parameter.getValue(), tensor.name(), tensor.shape(), tensor.data());
    }
  }

  /** Copies {@code data} into an initialised parameter after checking its shape. */
  static void set(Parameter parameter, String name, Shape shape, float[] data)
      throws SnapshotFormatException {
    NDArray array = parameter.getArray();
    if (!array.getShape().equals(shape)) {
      throw new SnapshotFormatException(
          SHAPE_MISMATCH,
          "parameter '" + name + "': expected shape " + array.getShape() + ", found " + shape);
    }
    array.set(FloatBuffer.wrap(data));
  }
}
