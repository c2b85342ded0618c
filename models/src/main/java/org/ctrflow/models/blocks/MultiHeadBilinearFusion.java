package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.nn.core.Linear;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.Arrays;

/**
 * FinalMLP's multi-head bilinear fusion of the two stream outputs.
 *
 * <p>o1 and o2 are split into k heads of widths h1 = H1/k and h2 = H2/k; the logit is
 *
 * <pre>
 *   logit = w1ᵀo1 + w2ᵀo2 + b + Σ_j o1_jᵀ W_j o2_j
 * </pre>
 *
 * <ul>
 *   <li>inputs: o1 (B, H1), o2 (B, H2), float
 *   <li>output: logit (B, 1)
 *   <li>parameters: {@code w1} Linear(H1 -> 1) with the bias b, {@code w2} Linear(H2 -> 1) without
 *       bias (FuxiCTR has a bias on both, which is one redundant scalar), {@code bilinear} W of
 *       shape (k, h1, h2)
 * </ul>
 *
 * <p>W is normal with FuxiCTR's xavier_normal_ std for its (k·h1·h2, 1) tensor, sqrt(2 / (1 +
 * k·h1·h2)). The heads are computed as one batched matrix product over k, not one small product per
 * sample and head (2x faster in the PyTorch reference).
 */
public final class MultiHeadBilinearFusion extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int heads;
  private final int width1;
  private final int width2;
  private final Linear w1;
  private final Linear w2;
  private final Parameter bilinear;

  private MultiHeadBilinearFusion(Builder builder) {
    super(VERSION);
    heads = builder.heads;
    width1 = builder.width1;
    width2 = builder.width2;
    w1 = addChildBlock("w1", linear(true));
    w2 = addChildBlock("w2", linear(false));
    long h1 = width1 / heads;
    long h2 = width2 / heads;
    bilinear =
        addParameter(
            Parameter.builder()
                .setName("bilinear")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(heads, h1, h2))
                .optInitializer(
                    new NormalInitializer((float) Math.sqrt(2.0 / (1.0 + heads * h1 * h2))))
                .build());
  }

  private static Linear linear(boolean bias) {
    Linear linear = Linear.builder().setUnits(1).optBias(bias).build();
    linear.setInitializer(Initializers.XAVIER_NORMAL, Parameter.Type.WEIGHT);
    return linear;
  }

  public static Builder builder() {
    return new Builder();
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray o1 = inputs.get(0);
    NDArray o2 = inputs.get(1);
    long batch = o1.getShape().get(0);
    NDArray linearPart =
        w1.forward(parameterStore, new NDList(o1), training)
            .singletonOrThrow()
            .add(w2.forward(parameterStore, new NDList(o2), training).singletonOrThrow());
    NDArray w = parameterStore.getValue(bilinear, o1.getDevice(), training);
    // Heads first so that one bmm covers all heads: (k, B, h1) x (k, h1, h2) -> (k, B, h2).
    NDArray heads1 = o1.reshape(batch, heads, width1 / heads).transpose(1, 0, 2);
    NDArray heads2 = o2.reshape(batch, heads, width2 / heads).transpose(1, 0, 2);
    NDArray bilinearPart = heads1.batchMatMul(w).mul(heads2).sum(new int[] {0, 2});
    return new NDList(linearPart.add(bilinearPart.reshape(batch, 1)));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    if (inputShapes.length != 2
        || inputShapes[0].get(1) != width1
        || inputShapes[1].get(1) != width2) {
      throw new IllegalArgumentException(
          "fusion expects o1 (B, "
              + width1
              + ") and o2 (B, "
              + width2
              + "), got "
              + Arrays.toString(inputShapes));
    }
    w1.initialize(manager, dataType, inputShapes[0]);
    w2.initialize(manager, dataType, inputShapes[1]);
  }

  /** Builder: {@code setWidths} and {@code setHeads} are required. */
  public static final class Builder {
    private int width1;
    private int width2;
    private int heads;

    private Builder() {}

    /** Output widths H1 and H2 of the two streams. */
    public Builder setWidths(int width1, int width2) {
      this.width1 = width1;
      this.width2 = width2;
      return this;
    }

    public Builder setHeads(int heads) {
      this.heads = heads;
      return this;
    }

    public MultiHeadBilinearFusion build() {
      Checks.positive("stream 1 width", width1);
      Checks.positive("stream 2 width", width2);
      Checks.positive("heads", heads);
      if (width1 % heads != 0 || width2 % heads != 0) {
        throw new IllegalArgumentException(
            "heads ("
                + heads
                + ") must divide both stream widths, got stream 1 width "
                + width1
                + " and stream 2 width "
                + width2
                + "; valid head counts divide "
                + gcd(width1, width2));
      }
      return new MultiHeadBilinearFusion(this);
    }

    private static int gcd(int a, int b) {
      return b == 0 ? a : gcd(b, a % b);
    }
  }
}
