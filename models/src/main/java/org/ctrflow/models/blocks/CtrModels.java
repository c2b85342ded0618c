package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** Chooses a model's blocks by the name in its {@link CtrModelConfig}. */
public final class CtrModels {

  /** The valid model names. */
  public static final List<String> NAMES = List.of("finalmlp", "dualmlp", "dnn");

  private CtrModels() {}

  /**
   * Builds the (uninitialised) blocks of {@code config.model()}.
   *
   * @throws IllegalArgumentException for an unknown name, or hyperparameters the model rejects
   *     (such as heads that do not divide both stream widths)
   */
  public static CtrModelBlock create(CtrModelConfig config) {
    return switch (config.model()) {
      case "finalmlp" -> new FinalMlpBlock(config);
      case "dualmlp" -> new DualMlpBlock(config);
      case "dnn" -> new DnnBlock(config);
      default ->
          throw new IllegalArgumentException(
              "unknown model '" + config.model() + "'; valid names: " + String.join(", ", NAMES));
    };
  }

  /** {@link #create} and initialise float32 parameters on {@code manager}. */
  public static CtrModelBlock createInitialized(CtrModelConfig config, NDManager manager) {
    CtrModelBlock block = create(config);
    block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
    return block;
  }
}
