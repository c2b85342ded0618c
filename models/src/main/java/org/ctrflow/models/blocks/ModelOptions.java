package org.ctrflow.models.blocks;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * Typed reading of a model's string options ({@link CtrModelConfig#options()}), against declared
 * keys: a missing key takes its declared default, an unknown key or a bad value fails naming the
 * key and what a valid value looks like. A model family declares its keys once ({@link Key}) and
 * reads them through one of these.
 */
public final class ModelOptions {

  /** One declared key: its name, default (as written in JSON) and meaning. */
  public record Key(String name, String defaultValue, String description) {}

  private final Map<String, String> values;

  private ModelOptions(Map<String, String> values) {
    this.values = values;
  }

  /**
   * @param given the options as configured
   * @param keys every key the reader accepts
   * @param what who reads them, for messages, e.g. "memory-network"
   * @throws IllegalArgumentException naming an unknown key and the valid ones
   */
  public static ModelOptions parse(Map<String, String> given, List<Key> keys, String what) {
    Set<String> names = keys.stream().map(Key::name).collect(Collectors.toSet());
    for (String key : given.keySet()) {
      if (!names.contains(key)) {
        throw new IllegalArgumentException(
            "unknown "
                + what
                + " option '"
                + key
                + "'; valid options: "
                + keys.stream().map(Key::name).toList());
      }
    }
    Map<String, String> values = new LinkedHashMap<>();
    keys.forEach(k -> values.put(k.name(), given.getOrDefault(k.name(), k.defaultValue())));
    return new ModelOptions(values);
  }

  /** The raw (trimmed) value, default applied. */
  public String text(String key) {
    return raw(key).trim();
  }

  public int positive(String key) {
    return parsed(key, Integer::parseInt, v -> v > 0, "a positive integer such as 32");
  }

  public int integer(String key, int min, int max) {
    return parsed(
        key, Integer::parseInt, v -> v >= min && v <= max, "an integer from " + min + " to " + max);
  }

  public float number(String key, Predicate<Float> valid, String expected) {
    return parsed(key, Float::parseFloat, v -> Float.isFinite(v) && valid.test(v), expected);
  }

  public boolean bool(String key) {
    return parsed(
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

  /** One of {@code choices}, exactly as written. */
  public String choice(String key, List<String> choices) {
    return parsed(key, s -> s, choices::contains, "one of " + String.join(", ", choices));
  }

  /** Comma-separated positive widths, e.g. {@code 256,128}. */
  public List<Integer> units(String key) {
    return parsed(
        key,
        s -> Arrays.stream(s.split(",")).map(String::trim).map(Integer::valueOf).toList(),
        l -> l.stream().allMatch(u -> u > 0),
        "comma-separated positive widths such as 128 or 256,128");
  }

  /** A comma-separated, non-empty subset of {@code choices}, e.g. {@code read,write}. */
  public Set<String> subset(String key, List<String> choices) {
    return parsed(
        key,
        s -> Arrays.stream(s.split(",")).map(String::trim).collect(Collectors.toSet()),
        set -> !set.isEmpty() && choices.containsAll(set),
        String.join(", ", choices) + " or " + String.join(",", choices));
  }

  /**
   * @throws IllegalArgumentException naming the key, the value and {@code expected}
   */
  public <T> T parsed(String key, Function<String, T> parser, Predicate<T> valid, String expected) {
    String raw = raw(key);
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

  private String raw(String key) {
    String raw = values.get(key);
    if (raw == null) {
      throw new IllegalStateException("option '" + key + "' is not declared");
    }
    return raw;
  }
}
