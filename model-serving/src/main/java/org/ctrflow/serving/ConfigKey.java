package org.ctrflow.serving;

import java.util.function.Function;

/**
 * One setting of the model server, declared once in {@link ServingConfig} with its type, default
 * and description; the command line, the docs table and validation all read it from there.
 *
 * @param parser turns the text form into a value, or throws {@link IllegalArgumentException} saying
 *     what a valid value looks like
 */
public record ConfigKey<T>(
    String name, T defaultValue, String description, Function<String, T> parser) {

  /** An integer in [min, max]. */
  static ConfigKey<Integer> integer(
      String name, int defaultValue, int min, int max, String description) {
    return new ConfigKey<>(
        name,
        defaultValue,
        description,
        text -> {
          int value;
          try {
            value = Integer.parseInt(text.trim());
          } catch (NumberFormatException e) {
            throw new IllegalArgumentException(
                name + " must be an integer in [" + min + ", " + max + "], was '" + text + "'");
          }
          if (value < min || value > max) {
            throw new IllegalArgumentException(
                name + " must be in [" + min + ", " + max + "], was " + value);
          }
          return value;
        });
  }

  static ConfigKey<String> text(String name, String defaultValue, String description) {
    return new ConfigKey<>(name, defaultValue, description, String::trim);
  }

  static ConfigKey<Boolean> flag(String name, boolean defaultValue, String description) {
    return new ConfigKey<>(
        name,
        defaultValue,
        description,
        text -> {
          if (!text.equals("true") && !text.equals("false")) {
            throw new IllegalArgumentException(name + " must be true or false, was '" + text + "'");
          }
          return Boolean.parseBoolean(text);
        });
  }

  /** The value {@code text} stands for. */
  public T parse(String text) {
    return parser.apply(text);
  }
}
