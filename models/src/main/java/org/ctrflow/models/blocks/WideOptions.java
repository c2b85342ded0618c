package org.ctrflow.models.blocks;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.config.ConfigKey;
import org.ctrflow.connectors.config.Settings;

/**
 * The wide (linear and factorization-machine) terms of a built-in model, read from {@link
 * CtrModelConfig#options()}. {@code ftrl} and {@code fm} consist of these terms only; FinalMLP,
 * DualMLP and the DNN add them to their logit when asked to (Wide &amp; Deep). The terms are
 * trained example by example, with per-coordinate learning rates, by the online trainer (see {@code
 * SequentialLearner}); see {@link WideTerms} for the arithmetic.
 *
 * @param linear a bias and one weight per feature value (embedding row)
 * @param crosses one hashed weight per pair of fields' values, for every pair of fields
 * @param crossRows rows of the hashed cross table
 * @param factors k of the factorization machine's factors; 0 for none
 */
public record WideOptions(boolean linear, boolean crosses, int crossRows, int factors) {

  /** Rows of the cross table unless configured: 2^20. */
  public static final int DEFAULT_CROSS_ROWS = 1 << 20;

  public static final ConfigKey<Boolean> LINEAR =
      ConfigKey.flag(
          "wide.linear",
          false,
          "A bias and a weight per feature value added to the logit; true for ftrl and fm.");
  public static final ConfigKey<String> CROSSES =
      ConfigKey.choice(
          "wide.crosses",
          "none",
          List.of("all", "none"),
          "Hashed weights of the value pairs of every two fields; all for ftrl.");
  public static final ConfigKey<Integer> CROSS_ROWS =
      ConfigKey.integer(
          "wide.cross-rows",
          DEFAULT_CROSS_ROWS,
          1,
          Integer.MAX_VALUE,
          "Rows of the hashed cross table.");
  public static final ConfigKey<Integer> FACTORS =
      ConfigKey.integer(
          "wide.factors",
          0,
          0,
          1024,
          "k, factors per feature value of a factorization machine; 0 for none; 8 for fm.");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS = List.of(LINEAR, CROSSES, CROSS_ROWS, FACTORS);

  /** No wide terms. */
  public static final WideOptions NONE = new WideOptions(false, false, DEFAULT_CROSS_ROWS, 0);

  public WideOptions {
    Checks.positive("wide.cross-rows", crossRows);
    if (factors < 0) {
      throw new IllegalArgumentException("wide.factors must be >= 0, got " + factors);
    }
  }

  /** Whether any term is on. */
  public boolean any() {
    return linear || crosses || factors > 0;
  }

  /**
   * The wide options of a built-in model: {@code model}'s defaults ({@code ftrl}: linear and
   * crosses; {@code fm}: linear and 8 factors; the others: none), overridden by the {@code wide.*}
   * keys of {@code options}.
   *
   * @throws IllegalArgumentException for an unknown key, a bad value, or {@code ftrl} / {@code fm}
   *     left without a term
   */
  public static WideOptions of(String model, Map<String, String> options) {
    Map<String, String> given = new LinkedHashMap<>(defaults(model));
    given.putAll(options);
    Settings o = Settings.of(given, KEYS, "model '" + model + "' option");
    WideOptions wide =
        new WideOptions(
            o.get(LINEAR), o.get(CROSSES).equals("all"), o.get(CROSS_ROWS), o.get(FACTORS));
    if (!wide.any() && CtrModels.WIDE_ONLY.contains(model)) {
      throw new IllegalArgumentException(
          "model '" + model + "' needs at least one of wide.linear, wide.crosses, wide.factors");
    }
    return wide;
  }

  private static Map<String, String> defaults(String model) {
    return switch (model) {
      case "ftrl" -> Map.of("wide.linear", "true", "wide.crosses", "all");
      case "fm" -> Map.of("wide.linear", "true", "wide.factors", "8");
      default -> Map.of();
    };
  }
}
