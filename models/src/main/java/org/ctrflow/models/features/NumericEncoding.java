package org.ctrflow.models.features;

import static org.ctrflow.models.features.FieldEncoding.requireAtLeast;

import java.util.List;

/**
 * Encodings of number-valued fields: each bucketizes the value, so a numeric field also maps to one
 * embedding row. Values are finite (the event contracts reject NaN and infinities).
 */
public sealed interface NumericEncoding extends FieldEncoding {

  /** The value's bucket in {@code 1..cardinality()}; never 0, values outside clamp to the ends. */
  int index(double value);

  /**
   * The Criteo transform of the Kaggle winners and FuxiCTR/BARS: {@code floor(ln(x)^2)} for {@code
   * x > 2}, else {@code x} truncated towards zero; the result clamps to {@code [lowest, highest]}.
   * (As in the original, {@code 2 < x < e} lands on 0 together with {@code x = 0}.)
   */
  record LogSquared(int lowest, int highest) implements NumericEncoding {
    public LogSquared {
      requireAtLeast("LogSquared highest", highest, lowest, "lowest -3, highest 500");
    }

    @Override
    public int cardinality() {
      return highest - lowest + 1;
    }

    @Override
    public int index(double value) {
      double t = value > 2 ? Math.floor(Math.log(value) * Math.log(value)) : (long) value;
      return 1 + (int) (Math.min(Math.max(t, lowest), highest) - lowest);
    }
  }

  /**
   * {@code floor(ln(1 + x))} for {@code x >= 0} in {@code buckets} buckets (the last one
   * open-ended); negative values share the first bucket with {@code [0, e - 1)}.
   */
  record Log1p(int buckets) implements NumericEncoding {
    public Log1p {
      requireAtLeast("Log1p buckets", buckets, 1, "24");
    }

    @Override
    public int cardinality() {
      return buckets;
    }

    @Override
    public int index(double value) {
      return 1 + (int) Math.min(Math.floor(Math.log1p(Math.max(value, 0))), buckets - 1);
    }
  }

  /**
   * Explicit boundaries {@code b0 < b1 < ... < bk}: bucket 1 is {@code x < b0}, bucket {@code i+1}
   * is {@code b(i-1) <= x < bi}, bucket {@code k+2} is {@code x >= bk}.
   */
  record Boundaries(List<Double> boundaries) implements NumericEncoding {
    public Boundaries {
      boundaries = List.copyOf(boundaries);
      requireAtLeast("number of bucket boundaries", boundaries.size(), 1, "[0.0, 10.0, 100.0]");
      for (int i = 0; i < boundaries.size(); i++) {
        double b = boundaries.get(i);
        if (!Double.isFinite(b) || i > 0 && b <= boundaries.get(i - 1)) {
          throw new IllegalArgumentException(
              "bucket boundaries must be finite and strictly ascending, e.g. [0.0, 10.0, 100.0];"
                  + " was "
                  + boundaries);
        }
      }
    }

    @Override
    public int cardinality() {
      return boundaries.size() + 1;
    }

    @Override
    public int index(double value) {
      // Binary search for the number of boundaries <= value.
      int lo = 0;
      int hi = boundaries.size();
      while (lo < hi) {
        int mid = (lo + hi) >>> 1;
        if (boundaries.get(mid) <= value) {
          lo = mid + 1;
        } else {
          hi = mid;
        }
      }
      return 1 + lo;
    }
  }
}
