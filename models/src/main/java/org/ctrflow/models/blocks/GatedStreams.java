package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * FinalMLP's two gated MLP streams, shared by FinalMLP and the memory-augmented FinalMLP: e (B,
 * F·d) -> feature gate 2·g_i ⊙ e -> MLP stream i (no output layer) -> o1 (B, H1), o2 (B, H2).
 *
 * <p>Not a block of its own: its blocks are registered as children of the model that owns them,
 * under FinalMLP's names ({@code gate1}, {@code gate2}, {@code mlp1}, {@code mlp2}), so the
 * parameter names in snapshots and deltas are the same whichever model holds the streams.
 */
public final class GatedStreams {

  /** The owner's {@code addChildBlock}. */
  @FunctionalInterface
  public interface Children {
    <B extends Block> B add(String name, B block);
  }

  private final FeatureGate gate1;
  private final FeatureGate gate2;
  private final MlpStack mlp1;
  private final MlpStack mlp2;

  public GatedStreams(CtrModelConfig config, Children children) {
    gate1 = children.add("gate1", gate(config, config.gate1ContextFields()));
    gate2 = children.add("gate2", gate(config, config.gate2ContextFields()));
    mlp1 =
        children.add(
            "mlp1",
            CtrModelBlock.tower(config.mlp1Units(), config.mlp1Dropout(), config.batchNorm(), 0));
    mlp2 =
        children.add(
            "mlp2",
            CtrModelBlock.tower(config.mlp2Units(), config.mlp2Dropout(), config.batchNorm(), 0));
  }

  private static FeatureGate gate(CtrModelConfig config, List<Integer> contextFields) {
    return FeatureGate.builder()
        .setNumFields(config.numFields())
        .setEmbeddingDim(config.embeddingDim())
        .setHiddenUnits(config.gateHiddenUnits())
        .optContextFields(contextFields)
        .build();
  }

  /** H1, the width of o1. */
  public int width1() {
    return mlp1.outputWidth();
  }

  /** H2, the width of o2. */
  public int width2() {
    return mlp2.outputWidth();
  }

  /**
   * @param e (B, F·d)
   * @return o1 (B, H1), o2 (B, H2)
   */
  public NDList forward(ParameterStore store, NDArray e, boolean training) {
    NDList in = new NDList(e);
    NDArray o1 =
        mlp1.forward(store, gate1.forward(store, in, training), training).singletonOrThrow();
    NDArray o2 =
        mlp2.forward(store, gate2.forward(store, in, training), training).singletonOrThrow();
    return new NDList(o1, o2);
  }

  /**
   * Initialises the streams for e of shape {@code embeddings} = (B, F·d).
   *
   * @return the shapes of o1 and o2
   */
  public Shape[] initialize(NDManager manager, DataType dataType, Shape embeddings) {
    gate1.initialize(manager, dataType, embeddings);
    gate2.initialize(manager, dataType, embeddings);
    mlp1.initialize(manager, dataType, embeddings);
    mlp2.initialize(manager, dataType, embeddings);
    return new Shape[] {
      mlp1.getOutputShapes(new Shape[] {embeddings})[0],
      mlp2.getOutputShapes(new Shape[] {embeddings})[0]
    };
  }
}
