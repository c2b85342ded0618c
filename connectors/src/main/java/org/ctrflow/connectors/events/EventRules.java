package org.ctrflow.connectors.events;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The checks every event's constructor applies, so an invalid event cannot exist in memory. Each
 * check names the field it guards. Limits protect the pipeline from payloads a user sends by
 * mistake (a whole document as a feature value, thousands of fields).
 */
public final class EventRules {

  /** Longest id (impression, request, sample) in characters. */
  public static final int MAX_ID_LENGTH = 256;

  /** Most features (categorical plus numeric) on one event. */
  public static final int MAX_FEATURES = 1024;

  /** Longest feature name or categorical value in characters. */
  public static final int MAX_FEATURE_TEXT_LENGTH = 1024;

  private EventRules() {}

  static String requireId(String field, String value) {
    if (value == null) {
      throw new InvalidEventException(field, "is required");
    }
    if (value.isBlank()) {
      throw new InvalidEventException(field, "must not be blank");
    }
    if (value.length() > MAX_ID_LENGTH) {
      throw new InvalidEventException(
          field, "must be at most " + MAX_ID_LENGTH + " characters, was " + value.length());
    }
    // A lone surrogate has no UTF-8 form: encoders replace it with '?', so two such ids would
    // become one Kafka key (and one store key), and JSON holding it is not interchangeable.
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (Character.isHighSurrogate(c)
          && i + 1 < value.length()
          && Character.isLowSurrogate(value.charAt(i + 1))) {
        i++;
      } else if (Character.isSurrogate(c)) {
        throw new InvalidEventException(
            field,
            "holds a lone UTF-16 surrogate (\\u"
                + Integer.toHexString(c)
                + ") at index "
                + i
                + "; an id must be valid Unicode");
      }
    }
    return value;
  }

  static String requireText(String field, String value) {
    if (value == null) {
      throw new InvalidEventException(field, "is required");
    }
    if (value.isBlank()) {
      throw new InvalidEventException(field, "must not be blank");
    }
    return value;
  }

  static long requireEventTime(String field, long epochMillis) {
    if (epochMillis < 0) {
      throw new InvalidEventException(field, "must be epoch milliseconds >= 0, was " + epochMillis);
    }
    return epochMillis;
  }

  static double requireFinite(String field, double value) {
    if (!Double.isFinite(value)) {
      throw new InvalidEventException(field, "must be a finite number, was " + value);
    }
    return value;
  }

  static double requireProbability(String field, double value) {
    requireFinite(field, value);
    if (value < 0.0 || value > 1.0) {
      throw new InvalidEventException(field, "must be in [0, 1], was " + value);
    }
    return value;
  }

  static double requirePositiveWeight(String field, double value) {
    requireFinite(field, value);
    if (value <= 0.0) {
      throw new InvalidEventException(field, "must be > 0, was " + value);
    }
    return value;
  }

  static int requireBinaryLabel(String field, int label) {
    if (label != 0 && label != 1) {
      throw new InvalidEventException(field, "must be 0 or 1, was " + label);
    }
    return label;
  }

  static <T> T requirePresent(String field, T value) {
    if (value == null) {
      throw new InvalidEventException(field, "is required");
    }
    return value;
  }

  /**
   * Validates the categorical and numeric feature maps of an event and returns immutable copies
   * that keep the sender's order. Categorical features must not be empty: a CTR event without them
   * carries nothing a model can learn from.
   */
  static Map<String, String> requireCategorical(
      Map<String, String> features, Map<String, Double> numericFeatures) {
    if (features == null) {
      throw new InvalidEventException("features", "is required");
    }
    if (features.isEmpty()) {
      throw new InvalidEventException(
          "features", "must hold at least one field -> value pair, was empty");
    }
    int count = features.size() + (numericFeatures == null ? 0 : numericFeatures.size());
    if (count > MAX_FEATURES) {
      throw new InvalidEventException(
          "features", "at most " + MAX_FEATURES + " features per event, was " + count);
    }
    Map<String, String> copy = new LinkedHashMap<>();
    features.forEach(
        (name, value) -> {
          String path = "features." + requireFeatureName("features", name);
          if (value == null) {
            throw new InvalidEventException(path, "value is required (omit the field instead)");
          }
          if (value.length() > MAX_FEATURE_TEXT_LENGTH) {
            throw new InvalidEventException(
                path,
                "value must be at most "
                    + MAX_FEATURE_TEXT_LENGTH
                    + " characters, was "
                    + value.length());
          }
          copy.put(name, value);
        });
    return java.util.Collections.unmodifiableMap(copy);
  }

  /** Validates optional numeric features; {@code null} means none. */
  static Map<String, Double> requireNumeric(Map<String, Double> numericFeatures) {
    if (numericFeatures == null) {
      return Map.of();
    }
    Map<String, Double> copy = new LinkedHashMap<>();
    numericFeatures.forEach(
        (name, value) -> {
          String path = "numericFeatures." + requireFeatureName("numericFeatures", name);
          if (value == null) {
            throw new InvalidEventException(path, "value is required (omit the field instead)");
          }
          copy.put(name, requireFinite(path, value));
        });
    return java.util.Collections.unmodifiableMap(copy);
  }

  private static String requireFeatureName(String mapField, String name) {
    if (name == null || name.isBlank()) {
      throw new InvalidEventException(mapField, "feature names must not be blank");
    }
    if (name.length() > MAX_FEATURE_TEXT_LENGTH) {
      throw new InvalidEventException(
          mapField, "feature names must be at most " + MAX_FEATURE_TEXT_LENGTH + " characters");
    }
    return name;
  }
}
