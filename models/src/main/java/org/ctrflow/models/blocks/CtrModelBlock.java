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
import java.util.ArrayList;
import java.util.List;

/**
 * A CTR model: a deep part, the shared {@link FieldEmbedding} followed by a model-specific head,
 * and optional {@link WideTerms} added to its logit. A wide-only model ({@code ftrl}, {@code fm})
 * has no deep part.
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
  private final WideTerms wide;

  /** A deep model without wide terms (a model that reads its options itself). */
  protected CtrModelBlock(byte version, CtrModelConfig config) {
    this(version, config, WideOptions.NONE, true);
  }

  /**
   * @param wide the wide terms to add to the logit, {@link WideOptions#NONE} for none
   * @param deep whether the model has a deep part (embedding and {@link #head})
   */
  protected CtrModelBlock(byte version, CtrModelConfig config, WideOptions wide, boolean deep) {
    super(version);
    this.config = config;
    if (!deep && !wide.any()) {
      throw new IllegalArgumentException("a model needs a deep part or wide terms");
    }
    embedding =
        deep
            ? addChildBlock(
                "embedding",
                FieldEmbedding.builder()
                    .setNumRows(config.numRows())
                    .setNumFields(config.numFields())
                    .setEmbeddingDim(config.embeddingDim())
                    .build())
            : null;
    // Added only when on, so that the deep children of a model without wide terms keep the
    // parameter names of earlier snapshots.
    this.wide =
        wide.any()
            ? addChildBlock("wide", new WideTerms(wide, config.numRows(), config.numFields()))
            : null;
  }

  public CtrModelConfig config() {
    return config;
  }

  /** The deep part's shared (numRows, d) embedding table; null for a wide-only model. */
  public Parameter embeddingTable() {
    return embedding == null ? null : embedding.table();
  }

  /** Whether the model has a deep part, trained by back-propagation. */
  public boolean hasDeepPart() {
    return embedding != null;
  }

  /** The wide terms, trained example by example; null without. */
  public WideTerms wide() {
    return wide;
  }

  /**
   * The row-indexed tables, which a training step reads and changes only a few rows of: the
   * embedding table, then the wide terms' tables. Snapshot deltas ship only their touched rows, so
   * they must tell them apart from the dense parameters.
   */
  public List<Parameter> rowTables() {
    List<Parameter> tables = new ArrayList<>();
    if (embedding != null) {
      tables.add(embedding.table());
    }
    if (wide != null) {
      tables.addAll(wide.rowTables());
    }
    return List.copyOf(tables);
  }

  /**
   * Where each of {@link #rowTables()} starts in one row space over all of them: table t's row r is
   * row {@code rowTableOffsets()[t] + r}.
   */
  public long[] rowTableOffsets() {
    List<Parameter> tables = rowTables();
    long[] offsets = new long[tables.size()];
    long next = 0;
    for (int t = 0; t < tables.size(); t++) {
      offsets[t] = next;
      next += tables.get(t).getShape().get(0);
    }
    return offsets;
  }

  /** Rows of all {@link #rowTables()} together. */
  public long rowSpace() {
    return rowTables().stream().mapToLong(t -> t.getShape().get(0)).sum();
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
    if (config.embeddingL2() == 0f || embedding == null) {
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
    ParameterStore store = new MaskDropout.PassStore(indices.getManager());
    return Activation.sigmoid(forward(store, new NDList(indices), false).singletonOrThrow());
  }

  /**
   * The deep part's logits in inference mode, without the wide terms: what the wide terms learn on
   * top of (see {@code SequentialLearner}).
   *
   * @param indices (B, F) row indices; the result is attached to their manager
   * @return (B, 1) logits, zeros for a wide-only model
   */
  public NDArray deepLogits(NDArray indices) {
    if (embedding == null) {
      return indices.getManager().zeros(new Shape(indices.getShape().get(0), 1));
    }
    return deepForward(new ParameterStore(indices.getManager(), false), indices, false);
  }

  /**
   * The deep part alone, e.g. for the trainer's back-propagation step, which fits it to the labels
   * by itself (the wide terms then learn its residual, see {@code OnlineTrainer}).
   *
   * @param indices (B, F) rows, as the store's embedding table takes them
   * @return (B, 1) logits
   */
  public NDArray deepForward(ParameterStore store, NDArray indices, boolean training) {
    NDArray e = embedding.forward(store, new NDList(indices), training, null).singletonOrThrow();
    return head(store, e, training);
  }

  @Override
  protected final NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    NDArray indices = inputs.singletonOrThrow();
    NDArray logits = embedding == null ? null : deepForward(parameterStore, indices, training);
    if (wide != null) {
      NDArray w = wide.forward(parameterStore, inputs, training, params).singletonOrThrow();
      logits = logits == null ? w : logits.add(w);
    }
    return new NDList(logits);
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
    if (embedding != null) {
      embedding.initialize(manager, dataType, inputShapes);
      initializeHead(manager, dataType, new Shape(inputShapes[0].get(0), embedding.outputWidth()));
    }
    if (wide != null) {
      wide.initialize(manager, dataType, inputShapes);
    }
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
