package org.ctrflow.models.features;

import java.util.List;
import java.util.Objects;

/**
 * One input field: its name (the key in an event's {@code features} or {@code numericFeatures} map)
 * and its encoding.
 */
public record FieldSpec(String name, FieldEncoding encoding) {

  public FieldSpec {
    if (name == null || name.isBlank()) {
      throw new IllegalArgumentException(
          "a field name must be non-blank, e.g. \"user\"; was "
              + (name == null ? "null" : "blank"));
    }
    Objects.requireNonNull(encoding, () -> "field '" + name + "' needs an encoding");
  }

  /** A categorical field hashed into {@code buckets} rows. */
  public static FieldSpec hashed(String name, int buckets) {
    return new FieldSpec(name, new CategoricalEncoding.Hashed(buckets));
  }

  /** A categorical field of decimal integer ids {@code first..last}, one row each. */
  public static FieldSpec idRange(String name, long first, long last) {
    return new FieldSpec(name, new CategoricalEncoding.IdRange(first, last));
  }

  /** A categorical field with an explicit vocabulary, one row per value. */
  public static FieldSpec vocabulary(String name, List<String> values) {
    return new FieldSpec(name, new CategoricalEncoding.Vocabulary(values));
  }

  /** A numeric field with the Criteo transform clamped to {@code [lowest, highest]}. */
  public static FieldSpec logSquared(String name, int lowest, int highest) {
    return new FieldSpec(name, new NumericEncoding.LogSquared(lowest, highest));
  }

  /** A numeric field bucketized by {@code floor(ln(1 + x))} into {@code buckets} buckets. */
  public static FieldSpec log1p(String name, int buckets) {
    return new FieldSpec(name, new NumericEncoding.Log1p(buckets));
  }

  /** A numeric field bucketized by explicit ascending boundaries. */
  public static FieldSpec boundaries(String name, List<Double> boundaries) {
    return new FieldSpec(name, new NumericEncoding.Boundaries(boundaries));
  }

  /** Rows this field owns in the embedding table: the reserved missing/OOV row plus its values. */
  public int rows() {
    return 1 + encoding.cardinality();
  }
}
