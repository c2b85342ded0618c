package org.ctrflow.models.features;

/**
 * How one field's raw value becomes one of its embedding rows. Every field owns {@code 1 +
 * cardinality()} consecutive rows of the model's single embedding table; its first row is reserved
 * for a missing value (and, for categorical fields, an out-of-vocabulary one), the others hold the
 * values, numbered {@code 1..cardinality()} by {@code index}.
 */
public sealed interface FieldEncoding permits CategoricalEncoding, NumericEncoding {

  /** The number of value rows, excluding the reserved missing/OOV row; at least 1. */
  int cardinality();

  /** Fails with a message naming the valid range when {@code value < min}. */
  static void requireAtLeast(String what, long value, long min, String example) {
    if (value < min) {
      throw new IllegalArgumentException(
          what + " must be at least " + min + " (e.g. " + example + "), was " + value);
    }
  }
}
