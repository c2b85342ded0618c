package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.MlpStack;

/**
 * {@code memnet}: the neural memory network for CTR. e (B, F·d) -> f_r -> q (B, K) -> memory read m
 * (B, K) -> output MLP over [q; m] (B, 2K) -> logit (B, 1). The output MLP takes {@code mlp2Units},
 * {@code mlp2Dropout} and {@code batchNorm} from the config ({@code mlp1Units} and the gate
 * settings are unused); the memory's sizes come from {@link MemnetOptions}.
 */
public final class MemoryNetworkBlock extends MemoryAugmentedBlock {

  private static final byte VERSION = 1;

  private final MlpStack out;

  MemoryNetworkBlock(CtrModelConfig config, MemnetOptions options) {
    super(VERSION, config, options);
    out =
        addChildBlock(
            "out", tower(config.mlp2Units(), config.mlp2Dropout(), config.batchNorm(), 1));
  }

  @Override
  protected NDArray output(
      ParameterStore store, NDArray e, NDArray q, NDArray m, boolean training) {
    return out.forward(store, new NDList(q.concat(m, 1)), training).singletonOrThrow();
  }

  @Override
  protected void initializeOutput(
      NDManager manager, DataType dataType, Shape embeddings, Shape read) {
    out.initialize(manager, dataType, new Shape(read.get(0), 2 * read.get(1)));
  }
}
