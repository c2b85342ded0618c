package org.ctrflow.connectors.config;

import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * One setting, declared once with its name, type, default, description and the values it accepts;
 * the command line, validation and the generated reference tables in the docs all read it from
 * here. Descriptions say what a setting means; the default and the accepted values are rendered
 * from the declaration, never restated in the description.
 *
 * @param <T> the type of the value
 */
public final class ConfigKey<T> {

  private final String name;
  private final Class<T> type;
  private final String defaultText;
  private final T defaultValue;
  private final String description;
  private final String accepted;
  private final Function<String, T> parser;

  private ConfigKey(
      String name,
      Class<T> type,
      String defaultText,
      String description,
      String accepted,
      Function<String, T> parser) {
    this.name = Objects.requireNonNull(name);
    this.type = Objects.requireNonNull(type);
    this.description = Objects.requireNonNull(description);
    this.accepted = Objects.requireNonNull(accepted);
    this.parser = Objects.requireNonNull(parser);
    this.defaultText = defaultText;
    this.defaultValue = defaultText == null ? null : parse(defaultText);
  }

  /**
   * A key of any type.
   *
   * @param defaultText the default as it is written, checked like any value; null for a key without
   *     a default (required, or derived from other keys)
   * @param accepted what a valid value looks like, e.g. "an integer from 1 to 64"
   * @param parser reads the text form; may throw any runtime exception for a bad value
   * @param valid whether a parsed value is acceptable
   */
  public static <T> ConfigKey<T> of(
      String name,
      Class<T> type,
      String defaultText,
      String accepted,
      Function<String, T> parser,
      Predicate<T> valid,
      String description) {
    return new ConfigKey<>(
        name,
        type,
        defaultText,
        description,
        accepted,
        text -> {
          T value;
          try {
            value = parser.apply(text.trim());
          } catch (RuntimeException e) {
            throw invalid(name, accepted, text, e);
          }
          if (!valid.test(value)) {
            throw invalid(name, accepted, text, null);
          }
          return value;
        });
  }

  private static IllegalArgumentException invalid(
      String name, String accepted, String text, RuntimeException cause) {
    String why =
        cause instanceof IllegalArgumentException
                && !(cause instanceof NumberFormatException)
                && cause.getMessage() != null
            ? " (" + cause.getMessage() + ")"
            : "";
    return new IllegalArgumentException(
        name + " must be " + accepted + ", was '" + text + "'" + why, cause);
  }

  /** An integer in [min, max]. */
  public static ConfigKey<Integer> integer(
      String name, Integer defaultValue, int min, int max, String description) {
    return of(
        name,
        Integer.class,
        text(defaultValue),
        range("an integer", min, max),
        Integer::valueOf,
        v -> v >= min && v <= max,
        description);
  }

  /** A long in [min, max]. */
  public static ConfigKey<Long> longInteger(
      String name, Long defaultValue, long min, long max, String description) {
    return of(
        name,
        Long.class,
        text(defaultValue),
        range("an integer", min, max),
        Long::valueOf,
        v -> v >= min && v <= max,
        description);
  }

  /** A finite number; {@code accepted} says which, e.g. "a positive number". */
  public static ConfigKey<Float> number(
      String name,
      String defaultValue,
      String accepted,
      Predicate<Float> valid,
      String description) {
    return of(
        name,
        Float.class,
        defaultValue,
        accepted,
        Float::valueOf,
        v -> Float.isFinite(v) && valid.test(v),
        description);
  }

  public static ConfigKey<String> text(String name, String defaultValue, String description) {
    return of(name, String.class, defaultValue, "text", s -> s, s -> true, description);
  }

  public static ConfigKey<Boolean> flag(String name, boolean defaultValue, String description) {
    return of(
        name,
        Boolean.class,
        Boolean.toString(defaultValue),
        "true or false",
        s -> s.equals("true") || s.equals("false") ? Boolean.valueOf(s) : null,
        v -> v != null,
        description);
  }

  /** One of {@code choices}, exactly as written. */
  public static ConfigKey<String> choice(
      String name, String defaultValue, List<String> choices, String description) {
    return of(
        name,
        String.class,
        defaultValue,
        "one of " + String.join(", ", choices),
        s -> s,
        choices::contains,
        description);
  }

  /** Comma-separated positive integers, e.g. layer widths {@code 256,128}. */
  @SuppressWarnings("unchecked")
  public static ConfigKey<List<Integer>> widths(
      String name, String defaultValue, String description) {
    return of(
        name,
        (Class<List<Integer>>) (Class<?>) List.class,
        defaultValue,
        "comma-separated positive integers such as 128 or 256,128",
        s -> Arrays.stream(s.split(",")).map(String::trim).map(Integer::valueOf).toList(),
        l -> l.stream().allMatch(u -> u > 0),
        description);
  }

  /** A comma-separated, non-empty subset of {@code choices}, e.g. {@code read,write}. */
  @SuppressWarnings("unchecked")
  public static ConfigKey<Set<String>> subset(
      String name, String defaultValue, List<String> choices, String description) {
    return of(
        name,
        (Class<Set<String>>) (Class<?>) Set.class,
        defaultValue,
        String.join(", ", choices) + " or a comma-separated list of them",
        s ->
            Arrays.stream(s.split(","))
                .map(String::trim)
                .collect(java.util.stream.Collectors.toCollection(LinkedHashSet::new)),
        set -> !set.isEmpty() && choices.containsAll(set),
        description);
  }

  /** A file or directory; null default: none unless given. */
  public static ConfigKey<java.nio.file.Path> path(String name, String description) {
    return of(
        name,
        java.nio.file.Path.class,
        null,
        "a path",
        java.nio.file.Path::of,
        p -> true,
        description);
  }

  /** Comma-separated texts; an empty text is the empty list. */
  @SuppressWarnings("unchecked")
  public static ConfigKey<List<String>> list(String name, String defaultValue, String description) {
    return of(
        name,
        (Class<List<String>>) (Class<?>) List.class,
        defaultValue,
        "a comma-separated list",
        s ->
            s.isEmpty()
                ? List.of()
                : Arrays.stream(s.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList(),
        l -> true,
        description);
  }

  /** A duration in [min, max], written in {@link Durations}' syntax. */
  public static ConfigKey<Duration> duration(
      String name, Duration defaultValue, Duration min, Duration max, String description) {
    return new ConfigKey<>(
        name,
        Duration.class,
        defaultValue == null ? null : Durations.format(defaultValue),
        description,
        "a duration from " + Durations.format(min) + " to " + Durations.format(max),
        text -> {
          Duration value;
          try {
            value = Durations.parse(text);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
          }
          if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            throw new IllegalArgumentException(
                name
                    + " must be from "
                    + Durations.format(min)
                    + " to "
                    + Durations.format(max)
                    + ", was '"
                    + text
                    + "'");
          }
          return value;
        });
  }

  private static String range(String what, long min, long max) {
    if (max == Integer.MAX_VALUE || max == Long.MAX_VALUE) {
      return what + " >= " + min;
    }
    return what + " from " + min + " to " + max;
  }

  private static String text(Object defaultValue) {
    return defaultValue == null ? null : defaultValue.toString();
  }

  /**
   * The value {@code text} stands for.
   *
   * @throws IllegalArgumentException naming the key and what a valid value looks like
   */
  public T parse(String text) {
    return parser.apply(text);
  }

  public String name() {
    return name;
  }

  public Class<T> type() {
    return type;
  }

  /** The default, or null for a key without one. */
  public T defaultValue() {
    return defaultValue;
  }

  /** The default as written, or null for a key without one. */
  public String defaultText() {
    return defaultText;
  }

  public String description() {
    return description;
  }

  /** What a valid value looks like, e.g. "an integer from 1 to 64". */
  public String accepted() {
    return accepted;
  }

  @Override
  public String toString() {
    return name;
  }
}
