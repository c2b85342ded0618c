package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.FeatureGate;
import org.ctrflow.models.blocks.MlpStack;
import org.ctrflow.models.blocks.MultiHeadBilinearFusion;

/**
 * {@code hybrid}: memory-augmented FinalMLP. FinalMLP's two gated streams o1 (B, H1), o2 (B, H2)
 * and its fusion, plus the memory read m (B, K) as a third input of the fusion, fused with stream 2
 * by a one-head bilinear fusion of its own:
 *
 * <pre>
 *   logit = fusion(o1, o2) + memoryFusion(m, o2)
 * </pre>
 *
 * so the model is FinalMLP when the memory's terms are zero. (memoryFusion's bias duplicates the
 * fusion's: one redundant scalar, the price of reusing the block.) Stream 2 rather than 1 because
 * FinalMLP's stream 2 is the narrower one, which keeps the bilinear K·H2 small.
 */
public final class MemoryFinalMlpBlock extends MemoryAugmentedBlock {

  private static final byte VERSION = 1;

  private final FeatureGate gate1;
  private final FeatureGate gate2;
  private final MlpStack mlp1;
  private final MlpStack mlp2;
  private final MultiHeadBilinearFusion fusion;
  private final MultiHeadBilinearFusion memoryFusion;

  MemoryFinalMlpBlock(CtrModelConfig config, MemnetOptions options) {
    super(VERSION, config, options);
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
    memoryFusion =
        addChildBlock(
            "memoryFusion",
            MultiHeadBilinearFusion.builder()
                .setWidths(options.width(), mlp2.outputWidth())
                .setHeads(1)
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
  protected NDArray output(
      ParameterStore store, NDArray e, NDArray q, NDArray m, boolean training) {
    NDList in = new NDList(e);
    NDArray o1 =
        mlp1.forward(store, gate1.forward(store, in, training), training).singletonOrThrow();
    NDArray o2 =
        mlp2.forward(store, gate2.forward(store, in, training), training).singletonOrThrow();
    return fusion
        .forward(store, new NDList(o1, o2), training)
        .singletonOrThrow()
        .add(memoryFusion.forward(store, new NDList(m, o2), training).singletonOrThrow());
  }

  @Override
  protected void initializeOutput(
      NDManager manager, DataType dataType, Shape embeddings, Shape read) {
    gate1.initialize(manager, dataType, embeddings);
    gate2.initialize(manager, dataType, embeddings);
    mlp1.initialize(manager, dataType, embeddings);
    mlp2.initialize(manager, dataType, embeddings);
    Shape o1 = mlp1.getOutputShapes(new Shape[] {embeddings})[0];
    Shape o2 = mlp2.getOutputShapes(new Shape[] {embeddings})[0];
    fusion.initialize(manager, dataType, o1, o2);
    memoryFusion.initialize(manager, dataType, read, o2);
  }
}
