package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * DualMLP, the FinalMLP ablation without gating and fusion (FuxiCTR's DualMLP): two MLP streams on
 * the same e (B, F·d), each ending in a Linear to 1; logit = mlp1(e) + mlp2(e), (B, 1).
 */
public final class DualMlpBlock extends CtrModelBlock {

  private static final byte VERSION = 1;

  private final MlpStack mlp1;
  private final MlpStack mlp2;

  DualMlpBlock(CtrModelConfig config) {
    super(VERSION, config, WideOptions.of(config.model(), config.options()), true);
    mlp1 =
        addChildBlock(
            "mlp1", tower(config.mlp1Units(), config.mlp1Dropout(), config.batchNorm(), 1));
    mlp2 =
        addChildBlock(
            "mlp2", tower(config.mlp2Units(), config.mlp2Dropout(), config.batchNorm(), 1));
  }

  @Override
  protected NDArray head(ParameterStore parameterStore, NDArray e, boolean training) {
    NDList in = new NDList(e);
    return mlp1.forward(parameterStore, in, training)
        .singletonOrThrow()
        .add(mlp2.forward(parameterStore, in, training).singletonOrThrow());
  }

  @Override
  protected void initializeHead(NDManager manager, DataType dataType, Shape embeddings) {
    mlp1.initialize(manager, dataType, embeddings);
    mlp2.initialize(manager, dataType, embeddings);
  }
}
