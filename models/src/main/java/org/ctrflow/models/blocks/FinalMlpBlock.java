package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * FinalMLP (Mao et al., AAAI 2023; FuxiCTR's reference): e (B, F·d) -> per-stream feature gate
 * 2·g_i ⊙ e -> MLP stream i (no output layer) -> o1 (B, H1), o2 (B, H2) -> multi-head bilinear
 * fusion -> logit (B, 1).
 */
public final class FinalMlpBlock extends CtrModelBlock {

  private static final byte VERSION = 1;

  private final GatedStreams streams;
  private final MultiHeadBilinearFusion fusion;

  FinalMlpBlock(CtrModelConfig config) {
    super(VERSION, config, WideOptions.of(config.model(), config.options()), true);
    streams = new GatedStreams(config, this::addChildBlock);
    fusion =
        addChildBlock(
            "fusion",
            MultiHeadBilinearFusion.builder()
                .setWidths(streams.width1(), streams.width2())
                .setHeads(config.heads())
                .build());
  }

  @Override
  protected NDArray head(ParameterStore parameterStore, NDArray e, boolean training) {
    return fusion
        .forward(parameterStore, streams.forward(parameterStore, e, training), training)
        .singletonOrThrow();
  }

  @Override
  protected void initializeHead(NDManager manager, DataType dataType, Shape embeddings) {
    fusion.initialize(manager, dataType, streams.initialize(manager, dataType, embeddings));
  }
}
