package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.List;

/**
 * FinalMLP's stream-specific feature gating: g = sigmoid(MLP(c)), output 2·g ⊙ e.
 *
 * <p>The gate input c is the embeddings of the declared context fields, cut out of e (so they are
 * the shared table's rows), or, with no context fields, a learnable bias vector of size d. The gate
 * MLP has ReLU hidden layers, no batch norm, and a Linear output to F·d. The factor 2 makes the
 * gate neutral (1) at sigmoid(0). With the bias input the gate is the same for every example and is
 * computed once per batch: for the Criteo-sized config that was half of a step's arithmetic.
 *
 * <p>Deviation from FuxiCTR: it initialises the bias vector to zeros. With its zero Linear biases
 * every hidden pre-activation is then exactly 0, where ReLU's gradient is 0, so the bias vector and
 * the gate's hidden layers never receive a gradient and the gate degenerates to sigmoid(output
 * bias). We draw the bias from normal(0, 0.01) so that the whole gate learns.
 *
 * <ul>
 *   <li>input: e, (B, F·d)
 *   <li>output: 2·g ⊙ e, (B, F·d), each entry between 0 and 2 times the entry of e
 * </ul>
 */
public final class FeatureGate extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int embeddingDim;
  private final int featureWidth;
  private final List<Integer> contextFields;
  private final MlpStack gateMlp;
  private final Parameter contextBias;

  private FeatureGate(Builder builder) {
    super(VERSION);
    embeddingDim = builder.embeddingDim;
    featureWidth = builder.numFields * builder.embeddingDim;
    contextFields = builder.contextFields;
    gateMlp =
        addChildBlock(
            "gate_mlp",
            MlpStack.builder()
                .setHiddenUnits(builder.hiddenUnits)
                .optOutputUnits(featureWidth)
                .build());
    contextBias =
        contextFields.isEmpty()
            ? addParameter(
                Parameter.builder()
                    .setName("context_bias")
                    .setType(Parameter.Type.BIAS)
                    .optShape(new Shape(1, embeddingDim))
                    .optInitializer(new NormalInitializer(0.01f))
                    .build())
            : null;
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
    NDArray e = inputs.singletonOrThrow();
    NDArray gate =
        Activation.sigmoid(
            gateMlp
                .forward(
                    parameterStore, new NDList(gateInput(parameterStore, e, training)), training)
                .singletonOrThrow());
    // gate + gate, not gate.mul(2f): see CtrModelBlock#embeddingPenalty on scalar operands.
    return new NDList(gate.add(gate).mul(e));
  }

  private NDArray gateInput(ParameterStore parameterStore, NDArray e, boolean training) {
    if (contextBias != null) {
      NDArray bias = parameterStore.getValue(contextBias, e.getDevice(), training);
      // One row, not one per example: every example's gate input is the same bias, so the gate
      // MLP runs once per batch and its (1, F·d) output broadcasts over the batch (autograd sums
      // the batch's gradients into it). zeros first: the sum then lives on e's (per-step)
      // manager, not on the parameter's.
      return e.getManager().zeros(new Shape(1, embeddingDim), e.getDataType()).add(bias);
    }
    NDList columns = new NDList(contextFields.size());
    for (int field : contextFields) {
      columns.add(e.get(":, {}:{}", field * embeddingDim, (field + 1) * embeddingDim));
    }
    return columns.size() == 1 ? columns.head() : NDArrays.concat(columns, 1);
  }

  private long gateInputWidth() {
    return (long) Math.max(1, contextFields.size()) * embeddingDim;
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {inputShapes[0]};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape e = inputShapes[0];
    if (e.dimension() != 2 || e.get(1) != featureWidth) {
      throw new IllegalArgumentException(
          "FeatureGate expects e of shape (B, " + featureWidth + "), got " + e);
    }
    gateMlp.initialize(manager, dataType, new Shape(e.get(0), gateInputWidth()));
  }

  /**
   * Builder: {@code setNumFields}, {@code setEmbeddingDim}, {@code setHiddenUnits} are required;
   * {@code optContextFields} defaults to none (learnable bias input).
   */
  public static final class Builder {
    private int numFields;
    private int embeddingDim;
    private List<Integer> hiddenUnits;
    private List<Integer> contextFields = List.of();

    private Builder() {}

    public Builder setNumFields(int numFields) {
      this.numFields = numFields;
      return this;
    }

    public Builder setEmbeddingDim(int embeddingDim) {
      this.embeddingDim = embeddingDim;
      return this;
    }

    /** Hidden widths of the gate MLP (ReLU), e.g. [400]; may be empty. */
    public Builder setHiddenUnits(List<Integer> hiddenUnits) {
      this.hiddenUnits = hiddenUnits;
      return this;
    }

    /** Indices of the fields whose embeddings drive the gate; empty means a learnable bias. */
    public Builder optContextFields(List<Integer> contextFields) {
      this.contextFields = contextFields;
      return this;
    }

    public FeatureGate build() {
      Checks.positive("numFields", numFields);
      Checks.positive("embeddingDim", embeddingDim);
      hiddenUnits = Checks.positiveUnits("gate hiddenUnits", hiddenUnits);
      contextFields = Checks.fieldIndices("contextFields", contextFields, numFields);
      return new FeatureGate(this);
    }
  }
}
