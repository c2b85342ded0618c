package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;

/**
 * FinalMLP (Mao et al., AAAI 2023; FuxiCTR's reference): e (B, F·d) -> per-stream feature gate
 * 2·g_i ⊙ e -> MLP stream i (no output layer) -> o1 (B, H1), o2 (B, H2) -> multi-head bilinear
 * fusion -> logit (B, 1).
 */
public final class FinalMlpBlock extends CtrModelBlock {

  private static final byte VERSION = 1;

  private final FeatureGate gate1;
  private final FeatureGate gate2;
  private final MlpStack mlp1;
  private final MlpStack mlp2;
  private final MultiHeadBilinearFusion fusion;

  FinalMlpBlock(CtrModelConfig config) {
    super(VERSION, config);
    gate1 = addChildBlock("gate1", gate(config, config.gate1ContextFields()));
    gate2 = addChildBlock("gate2", gate(config, config.gate2ContextFields()));
    mlp1 =
        addChildBlock(
            "mlp1", tower(config.mlp1Units(), config.mlp1Dropout(), config.batchNorm(), 0));
    mlp2 =
        addChildBlock(
            "mlp2", tower(config.mlp2Units(), config.mlp2Dropout(), config.batchNorm(), 0));
    fusion =
        addChildBlock(
            "fusion",
            MultiHeadBilinearFusion.builder()
                .setWidths(mlp1.outputWidth(), mlp2.outputWidth())
                .setHeads(config.heads())
                .build());
  }

  private static FeatureGate gate(CtrModelConfig config, List<Integer> contextFields) {
    return FeatureGate.builder()
        .setNumFields(config.numFields())
        .setEmbeddingDim(config.embeddingDim())
        .setHiddenUnits(config.gateHiddenUnits())
        .optContextFields(contextFields)
        .build();
  }

  @Override
  protected NDArray head(ParameterStore parameterStore, NDArray e, boolean training) {
    NDList in = new NDList(e);
    NDArray o1 =
        mlp1.forward(parameterStore, gate1.forward(parameterStore, in, training), training)
            .singletonOrThrow();
    NDArray o2 =
        mlp2.forward(parameterStore, gate2.forward(parameterStore, in, training), training)
            .singletonOrThrow();
    return fusion.forward(parameterStore, new NDList(o1, o2), training).singletonOrThrow();
  }

  @Override
  protected void initializeHead(NDManager manager, DataType dataType, Shape embeddings) {
    gate1.initialize(manager, dataType, embeddings);
    gate2.initialize(manager, dataType, embeddings);
    mlp1.initialize(manager, dataType, embeddings);
    mlp2.initialize(manager, dataType, embeddings);
    fusion.initialize(
        manager,
        dataType,
        mlp1.getOutputShapes(new Shape[] {embeddings})[0],
        mlp2.getOutputShapes(new Shape[] {embeddings})[0]);
  }
}
