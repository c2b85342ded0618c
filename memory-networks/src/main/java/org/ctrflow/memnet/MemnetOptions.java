package org.ctrflow.memnet;

import java.util.List;
import java.util.Map;
import java.util.Set;
import org.ctrflow.models.blocks.ModelOptions;

/**
 * The memory models' settings, read from {@link org.ctrflow.models.blocks.CtrModelConfig#options()}
 * (so snapshots carry them). Every key is declared once below with its type, default and meaning; a
 * missing key takes its default, an unknown key or a bad value fails naming the key and what a
 * valid value looks like.
 *
 * @param slots L, memory slots
 * @param width K, the width of a slot, of the query q and of the written content h
 * @param temperature τ of the content addressing softmax(q·Mᵀ/τ)
 * @param topK when positive, each example addresses only its k best-matching slots (sparse read and
 *     write); 0 addresses all of them
 * @param controllerUnits hidden widths of the read and write controllers
 * @param sgUnits hidden widths of the synthetic-gradient modules
 * @param sgLabel whether S_φ sees the label y beside the controller output
 * @param fast whether fresh labelled batches update the controllers with synthetic gradients
 * @param fastLearningRate η_fast
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
    List<Integer> sgUnits,
    boolean sgLabel,
    boolean fast,
    float fastLearningRate,
    int fastBatch,
    boolean fastRead,
    boolean fastWrite) {

  public static final List<ModelOptions.Key> KEYS =
      List.of(
          new ModelOptions.Key("memory.slots", "32", "L, memory slots (positive integer)"),
          new ModelOptions.Key("memory.width", "32", "K, width of a slot, of q and of h (positive integer)"),
          new ModelOptions.Key("memory.temperature", "1.0", "τ of the addressing softmax (positive number)"),
          new ModelOptions.Key(
              "memory.top-k",
              "0",
              "address only the k best-matching slots, 1 <= k <= memory.slots; 0 = all slots"),
          new ModelOptions.Key("controller.units", "128", "hidden widths of f_r and f_w, e.g. 128 or 256,128"),
          new ModelOptions.Key("sg.units", "64", "hidden widths of the synthetic-gradient modules, e.g. 64"),
          new ModelOptions.Key("sg.label", "true", "S_φ is conditioned on the label (true or false)"),
          new ModelOptions.Key(
              "fast.enabled",
              "false",
              "synthetic-gradient fast learning (true or false); off by default: on Frappe it"
                  + " does not help and with the read controller it diverges"
                  + " (docs/memory-networks.md)"),
          new ModelOptions.Key("fast.lr", "0.01", "η_fast, the fast path's SGD step (number >= 0)"),
          new ModelOptions.Key("fast.batch", "64", "examples per fast update (positive integer)"),
          new ModelOptions.Key(
              "fast.controllers",
              "read,write",
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
        o.units("sg.units"),
        o.bool("sg.label"),
        o.bool("fast.enabled"),
        o.number("fast.lr", v -> v >= 0, "a number >= 0 such as 0.01"),
        o.positive("fast.batch"),
        controllers.contains("read"),
        controllers.contains("write"));
  }
}
