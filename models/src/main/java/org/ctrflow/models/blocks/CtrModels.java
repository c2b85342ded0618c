package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;

/**
 * Chooses a model's blocks by the name in its {@link CtrModelConfig}: the built-in models, and
 * those of every {@link CtrModelProvider} on the class path.
 */
public final class CtrModels {

  /** The built-in model names; {@link #names()} adds the providers'. */
  public static final List<String> NAMES = List.of("finalmlp", "dualmlp", "dnn", "ftrl", "fm");

  /** The built-in models without a deep part (see {@link LinearModelBlock}). */
  static final List<String> WIDE_ONLY = List.of("ftrl", "fm");

  private CtrModels() {}

  /** The providers' models by name, loaded once per class loader. */
  private static final class Registered {
    static final Map<String, CtrModelProvider> BY_NAME = load();

    private static Map<String, CtrModelProvider> load() {
      Map<String, CtrModelProvider> byName = new LinkedHashMap<>();
      for (CtrModelProvider provider :
          ServiceLoader.load(CtrModelProvider.class, CtrModels.class.getClassLoader())) {
        for (String name : provider.names()) {
          CtrModelProvider previous = byName.putIfAbsent(name, provider);
          if (NAMES.contains(name) || previous != null) {
            throw new IllegalStateException(
                "model name '" + name + "' is registered twice (" + provider.getClass() + ")");
          }
        }
      }
      return Map.copyOf(byName);
    }
  }

  /** Every valid model name: the built-in ones, then the registered providers'. */
  public static List<String> names() {
    List<String> names = new ArrayList<>(NAMES);
    Registered.BY_NAME.keySet().stream().sorted().forEach(names::add);
    return List.copyOf(names);
  }

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
      case "ftrl", "fm" -> new LinearModelBlock(config);
      default -> {
        CtrModelProvider provider = Registered.BY_NAME.get(config.model());
        if (provider == null) {
          throw new IllegalArgumentException(
              "unknown model '" + config.model() + "'; valid names: " + String.join(", ", names()));
        }
        yield provider.create(config);
      }
    };
  }

  /** {@link #create} and initialise float32 parameters on {@code manager}. */
  public static CtrModelBlock createInitialized(CtrModelConfig config, NDManager manager) {
    CtrModelBlock block = create(config);
    block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
    return block;
  }
}
