package org.ctrflow.connectors.config;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * Typed values of a declared set of {@link ConfigKey}s: a key not set takes its default; an unknown
 * name or a bad value fails naming the key and what a valid value looks like. Immutable; {@link
 * #with} returns a changed copy.
 */
public final class Settings {

  private final List<ConfigKey<?>> keys;
  private final String what;
  private final Map<ConfigKey<?>, Object> values;

  private Settings(List<ConfigKey<?>> keys, String what, Map<ConfigKey<?>, Object> values) {
    this.keys = keys;
    this.what = what;
    this.values = values;
  }

  /**
   * Every key at its default.
   *
   * @param what what one setting is called in messages, e.g. "memory-network option"
   */
  public static Settings defaults(List<ConfigKey<?>> keys, String what) {
    return new Settings(List.copyOf(keys), what, Map.of());
  }

  /**
   * Settings by key name, e.g. a model's options or {@code --set name=value} pairs.
   *
   * @throws IllegalArgumentException for an unknown name (listing the known ones) or a bad value
   */
  public static Settings of(Map<String, String> given, List<ConfigKey<?>> keys, String what) {
    Settings settings = defaults(keys, what);
    for (Map.Entry<String, String> e : given.entrySet()) {
      settings = settings.withText(e.getKey(), e.getValue());
    }
    return settings;
  }

  /** The key called {@code name}, if declared. */
  public Optional<ConfigKey<?>> key(String name) {
    return keys.stream().filter(k -> k.name().equals(name)).findFirst();
  }

  /**
   * A copy with the key called {@code name} set from its text form.
   *
   * @throws IllegalArgumentException for an unknown name or a bad value
   */
  public Settings withText(String name, String text) {
    ConfigKey<?> key =
        key(name)
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        RenamedOptions.replacement(name, text)
                            .orElse(
                                "unknown "
                                    + what
                                    + " '"
                                    + name
                                    + "'; known: "
                                    + keys.stream()
                                        .map(ConfigKey::name)
                                        .collect(Collectors.joining(", ")))));
    return put(key, key.parse(text));
  }

  /** A copy with {@code key} set to {@code value}. */
  public <T> Settings with(ConfigKey<T> key, T value) {
    if (!keys.contains(key)) {
      throw new IllegalArgumentException(key.name() + " is not a " + what);
    }
    return put(key, value);
  }

  private Settings put(ConfigKey<?> key, Object value) {
    Map<ConfigKey<?>, Object> copy = new HashMap<>(values);
    copy.put(key, value);
    return new Settings(keys, what, copy);
  }

  /** The value of {@code key}: as set, else its default (null for a key without one). */
  @SuppressWarnings("unchecked")
  public <T> T get(ConfigKey<T> key) {
    if (!keys.contains(key)) {
      throw new IllegalArgumentException(key.name() + " is not a " + what);
    }
    return values.containsKey(key) ? (T) values.get(key) : key.defaultValue();
  }

  /** Whether {@code key} was set rather than left at its default. */
  public boolean isSet(ConfigKey<?> key) {
    return values.containsKey(key);
  }

  public List<ConfigKey<?>> keys() {
    return keys;
  }
}
