package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * One embedding table shared by all fields: the feature pipeline gives each field its own range of
 * rows, so a field's index already names its row.
 *
 * <ul>
 *   <li>input: row indices, int32 or int64, shape (B, F), each in [0, numRows)
 *   <li>output: the concatenated field embeddings e, shape (B, F·d)
 *   <li>parameter {@code embedding}: (numRows, d), normal(0, 1e-4) as FuxiCTR initialises it
 * </ul>
 */
public final class FieldEmbedding extends AbstractBlock {

  private static final byte VERSION = 1;

  private final int numFields;
  private final int embeddingDim;
  private final Parameter table;

  private FieldEmbedding(Builder builder) {
    super(VERSION);
    numFields = builder.numFields;
    embeddingDim = builder.embeddingDim;
    table =
        addParameter(
            Parameter.builder()
                .setName("embedding")
                .setType(Parameter.Type.WEIGHT)
                .optShape(new Shape(builder.numRows, embeddingDim))
                .optInitializer(Initializers.EMBEDDING_NORMAL)
                .build());
  }

  public static Builder builder() {
    return new Builder();
  }

  /** The (numRows, d) table; the embedding regularizer reads it. */
  public Parameter table() {
    return table;
  }

  public int embeddingDim() {
    return embeddingDim;
  }

  /** Width of the flattened output, F·d. */
  public int outputWidth() {
    return numFields * embeddingDim;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray indices = inputs.singletonOrThrow();
    NDArray weight = parameterStore.getValue(table, indices.getDevice(), training);
    // The result is attached to the indices' manager, so a per-step manager frees it.
    NDArray perField =
        indices.getNDArrayInternal().embedding(indices, weight, SparseFormat.DENSE).head();
    return new NDList(perField.reshape(indices.getShape().get(0), outputWidth()));
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), outputWidth())};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    Shape input = inputShapes[0];
    if (input.dimension() != 2 || input.get(1) != numFields) {
      throw new IllegalArgumentException(
          "FieldEmbedding expects indices of shape (B, " + numFields + "), got " + input);
    }
  }

  /** Builder: {@code setNumRows}, {@code setNumFields}, {@code setEmbeddingDim} are required. */
  public static final class Builder {
    private long numRows;
    private int numFields;
    private int embeddingDim;

    private Builder() {}

    public Builder setNumRows(long numRows) {
      this.numRows = numRows;
      return this;
    }

    public Builder setNumFields(int numFields) {
      this.numFields = numFields;
      return this;
    }

    public Builder setEmbeddingDim(int embeddingDim) {
      this.embeddingDim = embeddingDim;
      return this;
    }

    public FieldEmbedding build() {
      Checks.positive("numRows (rows of the embedding table)", numRows);
      Checks.positive("numFields", numFields);
      Checks.positive("embeddingDim", embeddingDim);
      return new FieldEmbedding(this);
    }
  }
}
