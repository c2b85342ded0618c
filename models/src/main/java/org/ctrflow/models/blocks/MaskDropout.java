package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.nio.FloatBuffer;
import java.util.SplittableRandom;

/**
 * Inverted dropout, {@code x ⊙ mask / (1 - rate)} in training and the identity in inference, as
 * DJL's {@code Dropout}, but with the mask drawn in Java. It also drops units when the forward pass
 * runs on a {@link PassStore}: Monte-Carlo dropout needs dropout on while batch norm stays in
 * inference mode, and DJL's {@code Dropout} follows the one {@code training} flag batch norm
 * follows too. It has no parameters, so snapshots are the same as with DJL's {@code Dropout}.
 * PyTorch's CPU dropout draws its Bernoulli mask one element at a time from a locked generator:
 * about 50 ns per element here, which made dropout half of a Frappe training step (1024 x 500
 * activations). A {@link SplittableRandom} fills the same mask in about 1 ns per element, staged
 * through a reused {@link HostBuffer}.
 *
 * <p>The generator is seeded once, at the first training forward, from the engine's random numbers,
 * so {@code Engine.setRandomSeed} makes runs repeat as before. A draw keeps an element when a
 * uniform 32-bit integer is below {@code round((1 - rate)·2^32)}: the keep probability is exact to
 * 2^-32. Not thread-safe in training (one training thread per model, as DJL requires anyway).
 *
 * <ul>
 *   <li>input: any shape, float32
 *   <li>output: the same shape
 * </ul>
 */
public final class MaskDropout extends AbstractBlock {

  private static final byte VERSION = 1;
  private static final int CHUNK = 8192;

  private final float rate;
  private final float scale;
  private final long keepBelow;
  private final HostBuffer staging = new HostBuffer();
  private SplittableRandom random;

  private MaskDropout(Builder builder) {
    super(VERSION);
    rate = builder.rate;
    scale = 1f / (1f - rate);
    keepBelow = Math.round((1.0 - rate) * 0x1p32);
  }

  public static Builder builder() {
    return new Builder();
  }

  public float rate() {
    return rate;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray x = inputs.singletonOrThrow();
    boolean drop = training || parameterStore instanceof PassStore;
    if (!drop || rate == 0f) {
      return inputs;
    }
    // mul by a tensor, never by a Number, under autograd (see CtrModelBlock#embeddingPenalty).
    return new NDList(x.mul(mask(x.getManager(), x.getShape())));
  }

  /** A mask of 0 and 1/(1 - rate), attached to {@code manager}. */
  private NDArray mask(NDManager manager, Shape shape) {
    if (random == null) {
      random =
          new SplittableRandom(
              manager.randomInteger(0, Long.MAX_VALUE, new Shape(1), DataType.INT64).getLong());
    }
    int n = Math.toIntExact(shape.size());
    FloatBuffer out = staging.floats(n);
    float[] chunk = new float[Math.min(n, CHUNK)];
    for (int start = 0; start < n; start += chunk.length) {
      int length = Math.min(chunk.length, n - start);
      for (int i = 0; i < length; i++) {
        // Branch-free (random branches mispredict): draw - keepBelow is negative iff kept.
        long draw = random.nextInt() & 0xFFFFFFFFL;
        chunk[i] = scale * ((draw - keepBelow) >>> 63);
      }
      out.put(chunk, 0, length);
    }
    return staging.toTensor(manager, shape, DataType.FLOAT32);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  /**
   * The parameter store of an MC-dropout pass: inference mode everywhere except {@link MaskDropout}
   * layers, which drop units.
   */
  public static final class PassStore extends ParameterStore {

    public PassStore(NDManager manager) {
      super(manager, false);
    }
  }

  /** Builder: {@code optRate} in [0, 1), default 0.5 as DJL's. */
  public static final class Builder {
    private float rate = 0.5f;

    private Builder() {}

    public Builder optRate(float rate) {
      this.rate = rate;
      return this;
    }

    public MaskDropout build() {
      Checks.dropoutRate("dropout rate", rate);
      return new MaskDropout(this);
    }
  }
}
