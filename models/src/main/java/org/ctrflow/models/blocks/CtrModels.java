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
   * Whether two models read the same options: both built in, or both registered by one provider. A
   * config's options carry over to another model's only then ({@link CtrModelConfig#withModel}).
   */
  static boolean sameOptions(String model, String other) {
    CtrModelProvider a = NAMES.contains(model) ? null : Registered.BY_NAME.get(model);
    CtrModelProvider b = NAMES.contains(other) ? null : Registered.BY_NAME.get(other);
    return a == b;
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

  /** Schemas with more fields than this get no pair crosses in {@link #online}'s wide terms. */
  public static final int MAX_CROSSED_FIELDS = 16;

  /**
   * The online learning defaults of a model's config: FinalMLP gets wide terms (Wide &amp; Deep),
   * chosen on {@code ctrflow bench adapt}'s scenarios (docs/concepts/online-training.md): linear
   * terms, and pair crosses when the schema has at most {@link #MAX_CROSSED_FIELDS} fields. Beyond,
   * an example updates hundreds of crosses (741 for Criteo's 39 fields), each with a full
   * per-coordinate FTRL step, and its logit overshoots (the Criteo sample's log loss: 3.27). A
   * config that sets options already, and every other model, is returned as it is.
   */
  public static CtrModelConfig online(CtrModelConfig config) {
    if (!config.model().equals("finalmlp") || !config.options().isEmpty()) {
      return config;
    }
    return config.toBuilder()
        .optOptions(
            config.numFields() <= MAX_CROSSED_FIELDS
                ? Map.of("wide.linear", "true", "wide.crosses", "all")
                : Map.of("wide.linear", "true"))
        .build();
  }

  /**
   * The Frappe model for one online pass: FinalMLP's Frappe config ({@link CtrModelConfig#frappe})
   * with dropout 0.1 instead of 0.4 (dropout tuned for ~16 epochs mostly slows learning from each
   * example), and {@link #online}'s wide terms.
   */
  public static CtrModelConfig frappeOnline(String model, long numRows) {
    CtrModelConfig paper = CtrModelConfig.frappe(model, numRows);
    return online(
        paper.toBuilder().optMlp1Dropout(0.1f).optMlp2Dropout(0.1f).optOptions(Map.of()).build());
  }

  /** {@link #create} and initialise float32 parameters on {@code manager}. */
  public static CtrModelBlock createInitialized(CtrModelConfig config, NDManager manager) {
    CtrModelBlock block = create(config);
    block.initialize(manager, DataType.FLOAT32, block.inputShape(1));
    return block;
  }
}
