package org.ctrflow.memnet;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ctrflow.models.blocks.ModelOptions;

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

  public static final List<ModelOptions.Key> KEYS =
      List.of(
          new ModelOptions.Key("memory.slots", "32", "L, memory slots (positive integer)"),
          new ModelOptions.Key(
              "memory.width", "32", "K, width of a slot, of q and of h (positive integer)"),
          new ModelOptions.Key(
              "memory.temperature", "1.0", "τ of the addressing softmax (positive number)"),
          new ModelOptions.Key(
              "memory.top-k",
              "0",
              "address only the k best-matching slots, 1 <= k <= memory.slots; 0 = all slots"),
          new ModelOptions.Key(
              "controller.units", "128", "hidden widths of f_r and f_w, e.g. 128 or 256,128"),
          new ModelOptions.Key(
              "controller.norm",
              "false",
              "normalise q and h per example to zero mean and unit variance (true or false)"),
          new ModelOptions.Key(
              "sg.units", "64", "hidden widths of the synthetic-gradient modules, e.g. 64"),
          new ModelOptions.Key(
              "sg.label", "true", "S_φ is conditioned on the label (true or false)"),
          new ModelOptions.Key("sg.lr", "0.001", "S_φ's own Adam step size (positive number)"),
          new ModelOptions.Key(
              "sg.steps", "2", "S_φ's fitting steps per fitted part (positive integer)"),
          new ModelOptions.Key(
              "fast.enabled", "false", "fast learning of the controllers (true or false)"),
          new ModelOptions.Key(
              "fast.mode",
              "synthetic",
              "direction of a fast step: synthetic (S_φ's) or oracle (the true gradient)"),
          new ModelOptions.Key("fast.lr", "0.1", "η_fast, the fast step's rate (number >= 0)"),
          new ModelOptions.Key(
              "fast.bound",
              "0.03",
              "largest RMS change of the controller output per fast step, relative to its RMS"
                  + " (positive number)"),
          new ModelOptions.Key(
              "fast.decay",
              "0.5",
              "fraction of the fast weights kept after each slow step, 0 <= x <= 1 (0 resets)"),
          new ModelOptions.Key(
              "fast.guard",
              "false",
              "keep a fast step only if it lowers the loss of the part's held-out half"),
          new ModelOptions.Key("fast.batch", "64", "examples per fast update (positive integer)"),
          new ModelOptions.Key(
              "fast.controllers",
              "read",
              "controllers the fast path updates: read, write or read,write"));

  /** Every key at its default. */
  public static MemnetOptions defaults() {
    return parse(Map.of());
  }

  /**
   * @throws IllegalArgumentException for an unknown key or an invalid value
   */
  public static MemnetOptions parse(Map<String, String> options) {
    ModelOptions o = ModelOptions.parse(options, KEYS, "memory-network");
    Set<String> controllers = o.subset("fast.controllers", List.of("read", "write"));
    int slots = o.positive("memory.slots");
    int topK =
        o.parsed(
            "memory.top-k",
            Integer::parseInt,
            k -> k >= 0 && k <= slots,
            "0 (all slots) or an integer from 1 to memory.slots (" + slots + "), such as 4");
    return new MemnetOptions(
        slots,
        o.positive("memory.width"),
        o.number("memory.temperature", v -> v > 0, "a positive number such as 1.0"),
        topK,
        o.units("controller.units"),
        o.bool("controller.norm"),
        o.units("sg.units"),
        o.bool("sg.label"),
        o.number("sg.lr", v -> v > 0, "a positive number such as 0.001"),
        o.positive("sg.steps"),
        o.bool("fast.enabled"),
        o.choice("fast.mode", List.of("synthetic", "oracle")),
        o.number("fast.lr", v -> v >= 0, "a number >= 0 such as 0.1"),
        o.number("fast.bound", v -> v > 0, "a positive number such as 0.03"),
        o.number("fast.decay", v -> v >= 0 && v <= 1, "a number from 0 to 1 such as 0.5"),
        o.bool("fast.guard"),
        o.positive("fast.batch"),
        controllers.contains("read"),
        controllers.contains("write"));
  }
}
