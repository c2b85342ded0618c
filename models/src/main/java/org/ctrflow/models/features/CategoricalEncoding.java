package org.ctrflow.models.features;

import static org.ctrflow.models.features.FieldEncoding.requireAtLeast;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** Encodings of string-valued fields. */
public sealed interface CategoricalEncoding extends FieldEncoding {

  /**
   * The value's index in {@code 1..cardinality()}, or 0 when it is out of vocabulary.
   *
   * @param fieldSeed the field's hash seed, derived from the schema's seed and the field's name
   */
  int index(String value, int fieldSeed);

  /**
   * Hashes values into {@code buckets} rows with {@link MurmurHash3}; never out of vocabulary, but
   * distinct values may collide.
   */
  record Hashed(int buckets) implements CategoricalEncoding {
    public Hashed {
      requireAtLeast("hash buckets", buckets, 1, "65536");
    }

    @Override
    public int cardinality() {
      return buckets;
    }

    @Override
    public int index(String value, int fieldSeed) {
      return 1 + (int) Long.remainderUnsigned(MurmurHash3.hash64(value, fieldSeed), buckets);
    }
  }

  /**
   * Decimal integer ids {@code first..last}, each its own row (collision-free); anything else,
   * including a non-integer, is out of vocabulary. Suits libFM's global feature ids.
   */
  record IdRange(long first, long last) implements CategoricalEncoding {
    public IdRange {
      requireAtLeast("last id of range [" + first + ", last]", last, first, first + " or more");
      requireAtLeast("id range size", last - first + 1, 1, "1000");
      if (last - first >= Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "id range [" + first + ", " + last + "] must hold fewer than 2^31 - 1 ids");
      }
    }

    @Override
    public int cardinality() {
      return (int) (last - first + 1);
    }

    @Override
    public int index(String value, int fieldSeed) {
      int n = value.length();
      int i = n > 1 && value.charAt(0) == '-' ? 1 : 0;
      // At most 18 digits keeps the parse overflow-free; longer ids are out of any int-sized range.
      if (n == i || n - i > 18) {
        return 0;
      }
      long id = 0;
      for (; i < n; i++) {
        int digit = value.charAt(i) - '0';
        if (digit < 0 || digit > 9) {
          return 0;
        }
        id = id * 10 + digit;
      }
      if (value.charAt(0) == '-') {
        id = -id;
      }
      return id < first || id > last ? 0 : (int) (id - first + 1);
    }
  }

  /** An explicit list of values, each its own row in list order; others are out of vocabulary. */
  final class Vocabulary implements CategoricalEncoding {
    private final List<String> values;
    private final Map<String, Integer> rows;

    /**
     * @param values distinct, non-null values; at least one
     */
    public Vocabulary(List<String> values) {
      requireAtLeast("vocabulary size", values.size(), 1, "[\"a\", \"b\"]");
      this.values = List.copyOf(values);
      this.rows = new HashMap<>(values.size() * 2);
      for (String value : this.values) {
        if (rows.putIfAbsent(value, rows.size() + 1) != null) {
          throw new IllegalArgumentException(
              "vocabulary values must be distinct; '" + value + "' appears twice");
        }
      }
    }

    public List<String> values() {
      return values;
    }

    @Override
    public int cardinality() {
      return values.size();
    }

    @Override
    public int index(String value, int fieldSeed) {
      Integer row = rows.get(value);
      return row == null ? 0 : row;
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Vocabulary v && values.equals(v.values);
    }

    @Override
    public int hashCode() {
      return Objects.hash(values);
    }

    @Override
    public String toString() {
      return "Vocabulary[" + values.size() + " values]";
    }
  }
}
