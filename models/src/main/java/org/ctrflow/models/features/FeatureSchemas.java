package org.ctrflow.models.features;

import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.replay.LibFmReader;

/** Schemas for the project's datasets (see {@code shared/datasets/<name>/README.txt}). */
public final class FeatureSchemas {

  /** The default embedding table size of the hashed presets. */
  public static final int DEFAULT_TOTAL_ROWS = 1 << 20;

  /** Upper clamp of the Criteo transform: {@code floor(ln(x)^2) = 400} at x = e^20, about 4.9e8. */
  static final int CRITEO_LOG_HIGHEST = 400;

  private FeatureSchemas() {}

  /**
   * Frappe as the NFM/BARS libFM files encode it (read with {@code LibFmReader.FRAPPE_FIELDS}): ten
   * categorical fields whose values are libFM's global feature ids, each field an exact {@link
   * CategoricalEncoding.IdRange} of the README's ranges (5,382 ids, no collisions; 5,392 rows with
   * the reserved ones). Gates: FinalMLP's Frappe contexts, {@code [[user], [item]]}.
   */
  public static FeatureSchema frappe() {
    // The field order of the libFM files, as the reader names them.
    List<String> names = LibFmReader.FRAPPE_FIELDS;
    long[] firstIds = {0, 957, 5039, 5046, 5053, 5055, 5058, 5060, 5069, 5149, 5382};
    FeatureSchema.Builder builder =
        FeatureSchema.builder()
            .optName("frappe")
            .optGateContexts(List.of(List.of("user"), List.of("item")));
    for (int f = 0; f < names.size(); f++) {
      builder.addField(FieldSpec.idRange(names.get(f), firstIds[f], firstIds[f + 1] - 1));
    }
    return builder.build();
  }

  /** {@link #criteo(int)} with {@link #DEFAULT_TOTAL_ROWS}. */
  public static FeatureSchema criteo() {
    return criteo(DEFAULT_TOTAL_ROWS);
  }

  /**
   * Criteo (read with {@code CriteoReader}): I1..I13 numeric with the standard {@link
   * NumericEncoding.LogSquared} transform clamped to {@code [-3, 400]} (I2 goes down to -3), then
   * C1..C26 hashed, splitting the rows left as evenly as possible so the table has exactly {@code
   * totalRows} rows.
   *
   * @param totalRows at least 5,317 (the numeric fields' 5,265 rows plus two per categorical one)
   */
  public static FeatureSchema criteo(int totalRows) {
    List<FieldSpec> fields = new ArrayList<>();
    for (int i = 1; i <= 13; i++) {
      fields.add(FieldSpec.logSquared("I" + i, -3, CRITEO_LOG_HIGHEST));
    }
    int numericRows = fields.stream().mapToInt(FieldSpec::rows).sum();
    fields.addAll(hashedFields(numbered("C", 26), totalRows - numericRows, totalRows));
    return FeatureSchema.builder().optName("criteo").setFields(fields).build();
  }

  /** {@link #avazu(int)} with {@link #DEFAULT_TOTAL_ROWS}. */
  public static FeatureSchema avazu() {
    return avazu(DEFAULT_TOTAL_ROWS);
  }

  /**
   * Avazu (read with {@code AvazuReader}, which takes {@code id}, {@code click} and {@code hour} as
   * id, label and time): the 21 remaining columns, all categorical (the integer columns are codes),
   * hashed into exactly {@code totalRows} rows split as evenly as possible. (BARS' Avazu_x1 adds
   * hour-of-day and weekday fields derived from {@code hour}; events carry only their features.)
   *
   * @param totalRows at least 42
   */
  public static FeatureSchema avazu(int totalRows) {
    List<String> names =
        new ArrayList<>(
            List.of(
                "C1",
                "banner_pos",
                "site_id",
                "site_domain",
                "site_category",
                "app_id",
                "app_domain",
                "app_category",
                "device_id",
                "device_ip",
                "device_model",
                "device_type",
                "device_conn_type"));
    names.addAll(numbered("C", 21).subList(13, 21));
    return FeatureSchema.builder()
        .optName("avazu")
        .setFields(hashedFields(names, totalRows, totalRows))
        .build();
  }

  /**
   * The MovieLens-1M join of DeepCTR's sample (columns {@code user_id, movie_id, gender, age,
   * occupation, zip, genres}; not the MovielensLatest_x1 tag benchmark). Ids and the small code
   * sets are exact ranges and vocabularies from ML-1M's documentation; zip (3,439 values) and genre
   * combinations (301) are hashed. Gates: {@code [[user_id], [movie_id]]}.
   */
  public static FeatureSchema movielens() {
    return FeatureSchema.builder()
        .optName("movielens")
        .addField(FieldSpec.idRange("user_id", 1, 6040))
        .addField(FieldSpec.idRange("movie_id", 1, 3952))
        .addField(FieldSpec.vocabulary("gender", List.of("F", "M")))
        .addField(FieldSpec.vocabulary("age", List.of("1", "18", "25", "35", "45", "50", "56")))
        .addField(FieldSpec.idRange("occupation", 0, 20))
        .addField(FieldSpec.hashed("zip", 1 << 14))
        .addField(FieldSpec.hashed("genres", 1 << 11))
        .optGateContexts(List.of(List.of("user_id"), List.of("movie_id")))
        .build();
  }

  /** Hashed fields sharing {@code rows} rows (reserved ones included) as evenly as possible. */
  private static List<FieldSpec> hashedFields(List<String> names, int rows, int totalRows) {
    if (rows < 2 * names.size()) {
      throw new IllegalArgumentException(
          "totalRows "
              + totalRows
              + " is too small: the hashed fields need at least two rows each, e.g. 2^20");
    }
    List<FieldSpec> fields = new ArrayList<>();
    for (int f = 0; f < names.size(); f++) {
      int share = rows / names.size() + (f < rows % names.size() ? 1 : 0);
      fields.add(FieldSpec.hashed(names.get(f), share - 1));
    }
    return fields;
  }

  private static List<String> numbered(String prefix, int count) {
    List<String> names = new ArrayList<>();
    for (int i = 1; i <= count; i++) {
      names.add(prefix + i);
    }
    return names;
  }
}
