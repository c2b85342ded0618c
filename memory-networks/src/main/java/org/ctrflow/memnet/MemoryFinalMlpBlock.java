package org.ctrflow.memnet;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.GatedStreams;
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

  private final GatedStreams streams;
  private final MultiHeadBilinearFusion fusion;
  private final MultiHeadBilinearFusion memoryFusion;

  MemoryFinalMlpBlock(CtrModelConfig config, MemnetOptions options) {
    super(VERSION, config, options);
    streams = new GatedStreams(config, this::addChildBlock);
    fusion =
        addChildBlock(
            "fusion",
            MultiHeadBilinearFusion.builder()
                .setWidths(streams.width1(), streams.width2())
                .setHeads(config.heads())
                .build());
    memoryFusion =
        addChildBlock(
            "memoryFusion",
            MultiHeadBilinearFusion.builder()
                .setWidths(options.width(), streams.width2())
                .setHeads(1)
                .build());
  }

  @Override
  protected NDArray output(
      ParameterStore store, NDArray e, NDArray q, NDArray m, boolean training) {
    NDList o = streams.forward(store, e, training);
    return fusion
        .forward(store, o, training)
        .singletonOrThrow()
        .add(memoryFusion.forward(store, new NDList(m, o.get(1)), training).singletonOrThrow());
  }

  @Override
  protected void initializeOutput(
      NDManager manager, DataType dataType, Shape embeddings, Shape read) {
    Shape[] o = streams.initialize(manager, dataType, embeddings);
    fusion.initialize(manager, dataType, o);
    memoryFusion.initialize(manager, dataType, read, o[1]);
  }
}
