package org.ctrflow.models.features;

import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * Turns an example's feature maps into F global embedding rows, one per field in schema order.
 * Field names, encodings, offsets and seeds are cached in arrays, so encoding allocates nothing:
 * lookups reuse the field names' cached string hashes and hashing streams the value's bytes.
 * Immutable and thread-safe.
 */
public final class FeatureEncoder {

  private final FeatureSchema schema;
  private final String[] names;
  private final CategoricalEncoding[] categorical;
  private final NumericEncoding[] numeric;
  private final int[] offsets;
  private final int[] seeds;

  FeatureEncoder(FeatureSchema schema) {
    this.schema = schema;
    int fields = schema.fieldCount();
    names = new String[fields];
    categorical = new CategoricalEncoding[fields];
    numeric = new NumericEncoding[fields];
    offsets = new int[fields];
    seeds = new int[fields];
    for (int f = 0; f < fields; f++) {
      FieldSpec spec = schema.fields().get(f);
      names[f] = spec.name();
      if (spec.encoding() instanceof CategoricalEncoding c) {
        categorical[f] = c;
      } else {
        numeric[f] = (NumericEncoding) spec.encoding();
      }
      offsets[f] = schema.offset(f);
      seeds[f] = schema.fieldSeed(f);
    }
  }

  public FeatureSchema schema() {
    return schema;
  }

  /**
   * The global row of field {@code f}: in {@code [offset(f), offset(f) + rows(f))}, equal to {@code
   * offset(f)} when the value is missing or out of vocabulary. Maps the field does not read are
   * ignored, so a numeric field absent from {@code numeric} is missing even if {@code categorical}
   * has its name.
   */
  public int row(int f, Map<String, String> categorical, Map<String, Double> numeric) {
    CategoricalEncoding c = this.categorical[f];
    if (c != null) {
      String value = categorical.get(names[f]);
      return offsets[f] + (value == null ? 0 : c.index(value, seeds[f]));
    }
    Double value = numeric.get(names[f]);
    return offsets[f] + (value == null ? 0 : this.numeric[f].index(value));
  }

  /** The F rows of one example, shape {@code [F]}. */
  public int[] encode(Map<String, String> categorical, Map<String, Double> numeric) {
    int[] rows = new int[names.length];
    encode(categorical, numeric, rows, 0);
    return rows;
  }

  /** Writes the F rows of one example to {@code out[offset .. offset + F)}. */
  public void encode(
      Map<String, String> categorical, Map<String, Double> numeric, int[] out, int offset) {
    for (int f = 0; f < names.length; f++) {
      out[offset + f] = row(f, categorical, numeric);
    }
  }

  /**
   * Encodes a batch into a caller-owned row-major buffer of shape {@code [batch, F]} (DJL's
   * embedding input), e.g. {@code encodeBatch(examples, LabeledExample::features,
   * LabeledExample::numericFeatures, buffer)}.
   *
   * @param out at least {@code examples.size() * F} long
   */
  public <T> void encodeBatch(
      List<T> examples,
      Function<? super T, Map<String, String>> categorical,
      Function<? super T, Map<String, Double>> numeric,
      long[] out) {
    requireCapacity(examples.size(), out.length);
    int i = 0;
    for (T example : examples) {
      Map<String, String> c = categorical.apply(example);
      Map<String, Double> n = numeric.apply(example);
      for (int f = 0; f < names.length; f++) {
        out[i++] = row(f, c, n);
      }
    }
  }

  /** As {@link #encodeBatch(List, Function, Function, long[])}, into an int buffer. */
  public <T> void encodeBatch(
      List<T> examples,
      Function<? super T, Map<String, String>> categorical,
      Function<? super T, Map<String, Double>> numeric,
      int[] out) {
    requireCapacity(examples.size(), out.length);
    int i = 0;
    for (T example : examples) {
      encode(categorical.apply(example), numeric.apply(example), out, i);
      i += names.length;
    }
  }

  private void requireCapacity(int batch, int length) {
    if ((long) batch * names.length > length) {
      throw new IllegalArgumentException(
          "buffer of "
              + length
              + " too small for "
              + batch
              + " examples x "
              + names.length
              + " fields; it needs at least "
              + (long) batch * names.length);
    }
  }
}
