package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * The plain DNN baseline: e (B, F·d) -> MLP with stream 1's widths, dropout and batch norm ->
 * Linear -> logit (B, 1).
 */
public final class DnnBlock extends CtrModelBlock {

  private static final byte VERSION = 1;

  private final MlpStack mlp;

  DnnBlock(CtrModelConfig config) {
    super(VERSION, config, WideOptions.of(config.model(), config.options()), true);
    mlp =
        addChildBlock(
            "mlp", tower(config.mlp1Units(), config.mlp1Dropout(), config.batchNorm(), 1));
  }

  @Override
  protected NDArray head(ParameterStore parameterStore, NDArray e, boolean training) {
    return mlp.forward(parameterStore, new NDList(e), training).singletonOrThrow();
  }

  @Override
  protected void initializeHead(NDManager manager, DataType dataType, Shape embeddings) {
    mlp.initialize(manager, dataType, embeddings);
  }
}
