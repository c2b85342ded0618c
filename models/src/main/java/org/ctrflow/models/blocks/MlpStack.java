package org.ctrflow.models.blocks;

import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.nn.SequentialBlock;
import ai.djl.nn.core.Linear;
import ai.djl.nn.norm.BatchNorm;
import java.util.List;

/**
 * Hidden layers Linear -> [BatchNorm] -> ReLU -> [{@link McDropout}], then an optional output
 * Linear without activation. The gate MLPs, the FinalMLP/DualMLP streams and the DNN baseline are
 * all this block.
 *
 * <ul>
 *   <li>input: (B, inputWidth), float
 *   <li>output: (B, {@link #outputWidth()}): the output layer's units, else the last hidden width
 * </ul>
 *
 * <p>Linear weights are Xavier-normal and biases zero, as FuxiCTR initialises {@code nn.Linear}.
 */
public final class MlpStack extends SequentialBlock {

  private final int outputWidth;

  private MlpStack(Builder builder) {
    for (int units : builder.hiddenUnits) {
      add(linear(units));
      if (builder.batchNorm) {
        add(BatchNorm.builder().build());
      }
      add(Activation.reluBlock());
      if (builder.dropout > 0f) {
        add(new McDropout(builder.dropout));
      }
    }
    if (builder.outputUnits > 0) {
      add(linear(builder.outputUnits));
      outputWidth = builder.outputUnits;
    } else {
      outputWidth = builder.hiddenUnits.get(builder.hiddenUnits.size() - 1);
    }
  }

  private static Linear linear(int units) {
    Linear linear = Linear.builder().setUnits(units).build();
    linear.setInitializer(Initializers.XAVIER_NORMAL, Parameter.Type.WEIGHT);
    return linear;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Width of the last layer: what {@code getOutputShapes} reports on axis 1. */
  public int outputWidth() {
    return outputWidth;
  }

  /**
   * Builder: {@code setHiddenUnits} is required (may be empty when an output layer is set); batch
   * norm, dropout and the output layer are optional.
   */
  public static final class Builder {
    private List<Integer> hiddenUnits;
    private boolean batchNorm;
    private float dropout;
    private int outputUnits;

    private Builder() {}

    public Builder setHiddenUnits(List<Integer> hiddenUnits) {
      this.hiddenUnits = hiddenUnits;
      return this;
    }

    public Builder optBatchNorm(boolean batchNorm) {
      this.batchNorm = batchNorm;
      return this;
    }

    /** Dropout rate after each hidden ReLU, in [0, 1); 0 adds no dropout layer. */
    public Builder optDropout(float dropout) {
      this.dropout = dropout;
      return this;
    }

    /** Units of a final Linear layer without activation; 0 (default) means none. */
    public Builder optOutputUnits(int outputUnits) {
      this.outputUnits = outputUnits;
      return this;
    }

    public MlpStack build() {
      hiddenUnits = Checks.positiveUnits("hiddenUnits", hiddenUnits);
      Checks.dropoutRate("dropout", dropout);
      if (outputUnits < 0) {
        throw new IllegalArgumentException(
            "outputUnits must be positive, or 0 for no output layer, got " + outputUnits);
      }
      if (hiddenUnits.isEmpty() && outputUnits == 0) {
        throw new IllegalArgumentException(
            "an MLP needs at least one layer: give hiddenUnits such as [400] or outputUnits");
      }
      return new MlpStack(this);
    }
  }
}
