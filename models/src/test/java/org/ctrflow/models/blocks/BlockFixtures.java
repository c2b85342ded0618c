package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Block;
import ai.djl.training.ParameterStore;
import java.util.List;

/** Small configurations and inputs shared by the block tests. */
final class BlockFixtures {

  private BlockFixtures() {}

  /** A small model: streams end at widths 6 and 4 (2 heads), gate 1 on field 0, gate 2 on bias. */
  static CtrModelConfig small(String model, long rows, int fields, int dim) {
    return CtrModelConfig.builder()
        .setModel(model)
        .setNumRows(rows)
        .setNumFields(fields)
        .setEmbeddingDim(dim)
        .optMlp1Units(List.of(8, 6))
        .optMlp1Dropout(0.1f)
        .optMlp2Units(List.of(4))
        .optMlp2Dropout(0.1f)
        .optBatchNorm(true)
        .optGateHiddenUnits(List.of(5))
        .optGate1ContextFields(List.of(0))
        .optHeads(2)
        .optEmbeddingL2(0.01f)
        .build();
  }

  /** Row indices (B, F), int64, uniform in [0, rows). */
  static NDArray indices(NDManager manager, long batch, int fields, long rows) {
    return manager.randomInteger(0, rows, new Shape(batch, fields), DataType.INT64);
  }

  static NDArray forward(Block block, NDManager manager, boolean training, NDArray... inputs) {
    return block
        .forward(new ParameterStore(manager, false), new NDList(inputs), training)
        .singletonOrThrow();
  }
}
