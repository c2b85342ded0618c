package org.ctrflow.memnet;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

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

  /** One declared key. */
  record Key(String name, String defaultValue, String description) {}

  public static final List<Key> KEYS =
      List.of(
          new Key("memory.slots", "32", "L, memory slots (positive integer)"),
          new Key("memory.width", "32", "K, width of a slot, of q and of h (positive integer)"),
          new Key("memory.temperature", "1.0", "τ of the addressing softmax (positive number)"),
          new Key(
              "memory.top-k",
              "0",
              "address only the k best-matching slots, 1 <= k <= memory.slots; 0 = all slots"),
          new Key("controller.units", "128", "hidden widths of f_r and f_w, e.g. 128 or 256,128"),
          new Key("sg.units", "64", "hidden widths of the synthetic-gradient modules, e.g. 64"),
          new Key("sg.label", "true", "S_φ is conditioned on the label (true or false)"),
          new Key(
              "fast.enabled",
              "false",
              "synthetic-gradient fast learning (true or false); off by default: on Frappe it"
                  + " does not help and with the read controller it diverges"
                  + " (docs/memory-networks.md)"),
          new Key("fast.lr", "0.01", "η_fast, the fast path's SGD step (number >= 0)"),
          new Key("fast.batch", "64", "examples per fast update (positive integer)"),
          new Key(
              "fast.controllers",
              "read,write",
              "controllers the fast path updates: read, write or read,write"));

  private static final Set<String> NAMES = Set.copyOf(KEYS.stream().map(Key::name).toList());

  /** Every key at its default. */
  public static MemnetOptions defaults() {
    return parse(Map.of());
  }

  /**
   * @throws IllegalArgumentException for an unknown key or an invalid value
   */
  public static MemnetOptions parse(Map<String, String> options) {
    for (String key : options.keySet()) {
      if (!NAMES.contains(key)) {
        throw new IllegalArgumentException(
            "unknown memory-network option '" + key + "'; valid options: " + NAMES);
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    KEYS.forEach(k -> values.put(k.name(), options.getOrDefault(k.name(), k.defaultValue())));
    String controllers = values.get("fast.controllers");
    List<String> chosen = Arrays.stream(controllers.split(",")).map(String::trim).toList();
    if (chosen.isEmpty() || !List.of("read", "write").containsAll(chosen)) {
      throw new IllegalArgumentException(
          "option 'fast.controllers' must be read, write or read,write; got '" + controllers + "'");
    }
    int slots = positive(values, "memory.slots");
    int topK =
        parsed(
            values,
            "memory.top-k",
            Integer::parseInt,
            k -> k >= 0 && k <= slots,
            "0 (all slots) or an integer from 1 to memory.slots (" + slots + "), such as 4");
    return new MemnetOptions(
        slots,
        positive(values, "memory.width"),
        number(values, "memory.temperature", v -> v > 0, "a positive number such as 1.0"),
        topK,
        units(values, "controller.units"),
        units(values, "sg.units"),
        bool(values, "sg.label"),
        bool(values, "fast.enabled"),
        number(values, "fast.lr", v -> v >= 0, "a number >= 0 such as 0.01"),
        positive(values, "fast.batch"),
        chosen.contains("read"),
        chosen.contains("write"));
  }

  private static int positive(Map<String, String> values, String key) {
    return parsed(values, key, Integer::parseInt, v -> v > 0, "a positive integer such as 32");
  }

  private static float number(
      Map<String, String> values,
      String key,
      java.util.function.Predicate<Float> valid,
      String expected) {
    return parsed(
        values, key, Float::parseFloat, v -> Float.isFinite(v) && valid.test(v), expected);
  }

  private static boolean bool(Map<String, String> values, String key) {
    return parsed(
        values,
        key,
        s -> {
          if (!s.equals("true") && !s.equals("false")) {
            throw new NumberFormatException();
          }
          return Boolean.parseBoolean(s);
        },
        v -> true,
        "true or false");
  }

  private static List<Integer> units(Map<String, String> values, String key) {
    return parsed(
        values,
        key,
        s -> Arrays.stream(s.split(",")).map(String::trim).map(Integer::valueOf).toList(),
        l -> l.stream().allMatch(u -> u > 0),
        "comma-separated positive widths such as 128 or 256,128");
  }

  private static <T> T parsed(
      Map<String, String> values,
      String key,
      Function<String, T> parser,
      java.util.function.Predicate<T> valid,
      String expected) {
    String raw = values.get(key);
    try {
      T value = parser.apply(raw.trim());
      if (valid.test(value)) {
        return value;
      }
    } catch (RuntimeException e) {
      // reported below with what a valid value looks like
    }
    throw new IllegalArgumentException(
        "option '" + key + "' must be " + expected + "; got '" + raw + "'");
  }
}
