package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Activation;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;
import java.util.List;

/**
 * A CTR model: the shared {@link FieldEmbedding} followed by a model-specific head.
 *
 * <ul>
 *   <li>input: row indices (B, F), int32 or int64
 *   <li>output: logits (B, 1); {@link #predict} applies the sigmoid, {@link CtrLoss} the
 *       sigmoid-BCE
 * </ul>
 */
public abstract class CtrModelBlock extends AbstractBlock {

  private final CtrModelConfig config;
  private final FieldEmbedding embedding;

  protected CtrModelBlock(byte version, CtrModelConfig config) {
    super(version);
    this.config = config;
    embedding =
        addChildBlock(
            "embedding",
            FieldEmbedding.builder()
                .setNumRows(config.numRows())
                .setNumFields(config.numFields())
                .setEmbeddingDim(config.embeddingDim())
                .build());
  }

  public CtrModelConfig config() {
    return config;
  }

  /**
   * The shared (numRows, d) embedding table; snapshot deltas ship only its touched rows, so they
   * must tell it apart from the dense parameters.
   */
  public Parameter embeddingTable() {
    return embedding.table();
  }

  /** Input shape for a batch of {@code batchSize} examples: (batchSize, F). */
  public Shape inputShape(long batchSize) {
    return new Shape(batchSize, config.numFields());
  }

  /**
   * The embedding regularizer (λ/2)·Σ table², λ = {@code embeddingL2}, over the whole table, as
   * FuxiCTR's {@code regularization_loss} applies {@code embedding_regularizer} to every {@code
   * nn.Embedding} weight at every step (not only to the rows the batch touched).
   *
   * @param manager the step's manager; the penalty and its intermediates are attached to it
   * @return a scalar
   */
  public NDArray embeddingPenalty(NDManager manager) {
    if (config.embeddingL2() == 0f) {
      return manager.create(0f);
    }
    NDArray squares = embedding.table().getArray().square();
    // Ops on a parameter attach results to the model's manager; move them to the step's.
    squares.attach(manager);
    // Not mul(Number): DJL's PyTorch engine wraps the number in a tensor over a Java direct
    // buffer (from_blob) and closes it at once; autograd keeps that tensor for backward, and once
    // the GC frees the buffer, backward reads freed memory (gradients of 1e29 and more were seen).
    // full() allocates natively.
    NDArray halfLambda = manager.full(new Shape(), config.embeddingL2() / 2f);
    return squares.sum().mul(halfLambda);
  }

  /**
   * Click probabilities in inference mode (no dropout, batch-norm running statistics).
   *
   * @param indices (B, F) row indices; the result is attached to their manager
   * @return (B, 1) probabilities
   */
  public NDArray predict(NDArray indices) {
    ParameterStore store = new ParameterStore(indices.getManager(), false);
    return Activation.sigmoid(forward(store, new NDList(indices), false).singletonOrThrow());
  }

  /**
   * One Monte-Carlo dropout pass: dropout on, batch norm on its running statistics (not updated).
   * Each row draws its own dropout mask, so a batch of T copies of a row is T passes over it.
   *
   * @param indices (B, F) row indices; the result is attached to their manager
   * @return (B, 1) probabilities
   */
  public NDArray predictWithDropout(NDArray indices) {
    ParameterStore store = new McDropout.PassStore(indices.getManager());
    return Activation.sigmoid(forward(store, new NDList(indices), false).singletonOrThrow());
  }

  @Override
  protected final NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray e = embedding.forward(parameterStore, inputs, training, params).singletonOrThrow();
    return new NDList(head(parameterStore, e, training));
  }

  /**
   * The model after the embedding.
   *
   * @param e concatenated field embeddings (B, F·d)
   * @return logits (B, 1)
   */
  protected abstract NDArray head(ParameterStore parameterStore, NDArray e, boolean training);

  @Override
  public final Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }

  @Override
  protected final void initializeChildBlocks(
      NDManager manager, DataType dataType, Shape... inputShapes) {
    embedding.initialize(manager, dataType, inputShapes);
    initializeHead(manager, dataType, new Shape(inputShapes[0].get(0), embedding.outputWidth()));
  }

  /** Initialises the head's blocks for e of shape {@code embeddings} = (B, F·d). */
  protected abstract void initializeHead(NDManager manager, DataType dataType, Shape embeddings);

  /** A stream / DNN tower configured from {@code config}; {@code outputUnits} 0 means none. */
  protected static MlpStack tower(
      List<Integer> units, float dropout, boolean batchNorm, int outputUnits) {
    return MlpStack.builder()
        .setHiddenUnits(units)
        .optDropout(dropout)
        .optBatchNorm(batchNorm)
        .optOutputUnits(outputUnits)
        .build();
  }
}
