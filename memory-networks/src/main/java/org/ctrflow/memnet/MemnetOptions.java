package org.ctrflow.memnet;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ctrflow.connectors.config.ConfigKey;
import org.ctrflow.connectors.config.Settings;

/**
 * The memory models' settings, read from {@link org.ctrflow.models.blocks.CtrModelConfig#options()}
 * (so snapshots carry them). Every key is declared once below with its type, default and meaning; a
 * missing key takes its default, an unknown key or a bad value fails naming the key and what a
 * valid value looks like. Defaults keep the scores of models configured before a key existed: a key
 * that changes what a served model computes ({@code controller.norm}) is off unless set.
 *
 * @param slots L, memory slots
 * @param width K, the width of a slot, of the query q and of the written content h
 * @param temperature τ of the content addressing softmax(q·Mᵀ/τ)
 * @param topK when positive, each example addresses only its k best-matching slots (sparse read and
 *     write); 0 addresses all of them
 * @param controllerUnits hidden widths of the read and write controllers
 * @param controllerNorm whether q and h are normalised per example (zero mean, unit variance over
 *     K), so that their scale stays fixed whatever the controllers' weights
 * @param sgUnits hidden widths of the synthetic-gradient modules
 * @param sgLabel whether S_φ sees the label y beside the controller output
 * @param sgLearningRate S_φ's own Adam step size
 * @param sgSteps S_φ's fitting steps per fitted part
 * @param fast whether fresh labelled batches update the controllers fast
 * @param fastMode where the fast step's direction comes from: {@code synthetic} (S_φ) or {@code
 *     oracle} (the true gradient, a control that bounds what S_φ can give)
 * @param fastLearningRate η_fast, the fast step's SGD rate before the bound
 * @param fastBound the largest RMS change of the adapted controller's output per fast step, as a
 *     fraction of that output's RMS
 * @param fastDecay the fraction of the fast weights kept after each slow step (0 resets them)
 * @param fastGuard whether a fast step is kept only if it lowers the loss of the part's held-out
 *     half
 * @param fastBatch examples per fast update
 * @param fastRead whether the fast path updates the read controller f_r
 * @param fastWrite whether the fast path updates the write controller f_w
 */
public record MemnetOptions(
    int slots,
    int width,
    float temperature,
    int topK,
    List<Integer> controllerUnits,
    boolean controllerNorm,
    List<Integer> sgUnits,
    boolean sgLabel,
    float sgLearningRate,
    int sgSteps,
    boolean fast,
    String fastMode,
    float fastLearningRate,
    float fastBound,
    float fastDecay,
    boolean fastGuard,
    int fastBatch,
    boolean fastRead,
    boolean fastWrite) {

  public static final ConfigKey<Integer> SLOTS =
      ConfigKey.integer("memory.slots", 32, 1, Integer.MAX_VALUE, "L, memory slots.");
  public static final ConfigKey<Integer> WIDTH =
      ConfigKey.integer(
          "memory.width", 32, 1, Integer.MAX_VALUE, "K, width of a slot, of q and of h.");
  public static final ConfigKey<Float> TEMPERATURE =
      ConfigKey.number(
          "memory.temperature",
          "1.0",
          "a positive number",
          v -> v > 0,
          "τ of the addressing softmax.");
  public static final ConfigKey<Integer> TOP_K =
      ConfigKey.integer(
          "memory.top-k",
          0,
          0,
          Integer.MAX_VALUE,
          "Address only the k best-matching slots, k <= memory.slots; 0 = all slots.");
  public static final ConfigKey<List<Integer>> CONTROLLER_UNITS =
      ConfigKey.widths("controller.units", "128", "Hidden widths of f_r and f_w.");
  public static final ConfigKey<Boolean> CONTROLLER_NORM =
      ConfigKey.flag(
          "controller.norm", false, "Normalise q and h per example to zero mean, unit variance.");
  public static final ConfigKey<List<Integer>> SG_UNITS =
      ConfigKey.widths("sg.units", "64", "Hidden widths of the synthetic-gradient modules.");
  public static final ConfigKey<Boolean> SG_LABEL =
      ConfigKey.flag("sg.label", true, "S_φ is conditioned on the label.");
  public static final ConfigKey<Float> SG_LR =
      ConfigKey.number(
          "sg.lr", "0.001", "a positive number", v -> v > 0, "S_φ's own Adam step size.");
  public static final ConfigKey<Integer> SG_STEPS =
      ConfigKey.integer(
          "sg.steps", 2, 1, Integer.MAX_VALUE, "S_φ's fitting steps per fitted part.");
  public static final ConfigKey<Boolean> FAST =
      ConfigKey.flag("fast.enabled", false, "Fast learning of the controllers.");
  public static final ConfigKey<String> FAST_MODE =
      ConfigKey.choice(
          "fast.mode",
          "synthetic",
          List.of("synthetic", "oracle"),
          "Direction of a fast step: S_φ's (synthetic) or the true gradient (oracle).");
  public static final ConfigKey<Float> FAST_LR =
      ConfigKey.number(
          "fast.lr", "0.1", "a number >= 0", v -> v >= 0, "η_fast, the fast step's rate.");
  public static final ConfigKey<Float> FAST_BOUND =
      ConfigKey.number(
          "fast.bound",
          "0.03",
          "a positive number",
          v -> v > 0,
          "Largest RMS change of the controller output per fast step, relative to its RMS.");
  public static final ConfigKey<Float> FAST_DECAY =
      ConfigKey.number(
          "fast.decay",
          "0.5",
          "a number from 0 to 1",
          v -> v >= 0 && v <= 1,
          "Fraction of the fast weights kept after each slow step (0 resets them).");
  public static final ConfigKey<Boolean> FAST_GUARD =
      ConfigKey.flag(
          "fast.guard",
          false,
          "Keep a fast step only if it lowers the loss of the part's held-out half.");
  public static final ConfigKey<Integer> FAST_BATCH =
      ConfigKey.integer("fast.batch", 64, 1, Integer.MAX_VALUE, "Examples per fast update.");
  public static final ConfigKey<Set<String>> FAST_CONTROLLERS =
      ConfigKey.subset(
          "fast.controllers",
          "read",
          List.of("read", "write"),
          "Controllers the fast path updates.");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(
          SLOTS,
          WIDTH,
          TEMPERATURE,
          TOP_K,
          CONTROLLER_UNITS,
          CONTROLLER_NORM,
          SG_UNITS,
          SG_LABEL,
          SG_LR,
          SG_STEPS,
          FAST,
          FAST_MODE,
          FAST_LR,
          FAST_BOUND,
          FAST_DECAY,
          FAST_GUARD,
          FAST_BATCH,
          FAST_CONTROLLERS);

  /** Every key at its default. */
  public static MemnetOptions defaults() {
    return parse(Map.of());
  }

  /**
   * @throws IllegalArgumentException for an unknown key or an invalid value
   */
  public static MemnetOptions parse(Map<String, String> options) {
    Settings o = Settings.of(options, KEYS, "memory-network option");
    Set<String> controllers = o.get(FAST_CONTROLLERS);
    int slots = o.get(SLOTS);
    int topK = o.get(TOP_K);
    if (topK > slots) {
      throw new IllegalArgumentException(
          "memory.top-k must be 0 (all slots) or an integer from 1 to memory.slots ("
              + slots
              + "), was '"
              + topK
              + "'");
    }
    return new MemnetOptions(
        slots,
        o.get(WIDTH),
        o.get(TEMPERATURE),
        topK,
        o.get(CONTROLLER_UNITS),
        o.get(CONTROLLER_NORM),
        o.get(SG_UNITS),
        o.get(SG_LABEL),
        o.get(SG_LR),
        o.get(SG_STEPS),
        o.get(FAST),
        o.get(FAST_MODE),
        o.get(FAST_LR),
        o.get(FAST_BOUND),
        o.get(FAST_DECAY),
        o.get(FAST_GUARD),
        o.get(FAST_BATCH),
        controllers.contains("read"),
        controllers.contains("write"));
  }
}
