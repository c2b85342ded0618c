package org.ctrflow.models.features;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.TimeFormat;

/**
 * Proposes a feature schema from a sample of rows: per column categorical or numeric, an estimate
 * of its distinct values, an encoding (hashed, idRange or vocabulary; logSquared or boundaries) and
 * the gate contexts; the rules are documented in {@code docs/reference/schema.md}. Feed rows with
 * {@link #add}, then {@link #propose}.
 */
public final class SchemaInference {

  /** A column whose values are seen once less often than this is closed. */
  static final double CLOSED_NEW_VALUE_RATE = 0.01;

  /** Closed columns with at most this many values become a vocabulary. */
  static final int VOCABULARY_LIMIT = 1_000;

  /** Buckets per distinct value of a closed hashed column. */
  static final int CLOSED_BUCKETS_PER_VALUE = 4;

  /** Quantile buckets of a numeric column that is not a count. */
  static final int QUANTILES = 16;

  /** The Criteo transform's top bucket: {@code floor(ln(x)^2) = 400} at x = e^20. */
  static final int LOG_SQUARED_HIGHEST = 400;

  /** Counts may go down to this (Criteo's I2 does); anything lower is not a count. */
  static final int LOG_SQUARED_LOWEST = -3;

  /**
   * What to read and what the caller fixed.
   *
   * @param name the schema's name
   * @param numericColumns CSV columns to read as numbers whatever their values look like
   * @param categoricalColumns columns to treat as categorical whatever their values look like
   * @param maxRows the embedding table budget; open hashed fields share what the others leave
   */
  public record Options(
      String name, Set<String> numericColumns, Set<String> categoricalColumns, int maxRows) {

    public Options {
      numericColumns = Set.copyOf(numericColumns);
      categoricalColumns = Set.copyOf(categoricalColumns);
      FieldEncoding.requireAtLeast("--max-rows", maxRows, 64, "1048576");
    }
  }

  /**
   * What was decided for one column.
   *
   * @param field the field it became, or empty when it is not a feature
   * @param reason why, in a few words
   */
  public record Decision(
      String column,
      long present,
      long distinct,
      boolean exact,
      double newValueRate,
      Optional<FieldSpec> field,
      String reason) {}

  /** The proposed schema and the per-column decisions behind it, in column order. */
  public record Proposal(FeatureSchema schema, List<Decision> decisions, long rows) {}

  private final Options options;
  private final Map<String, ColumnProfile> columns = new LinkedHashMap<>();
  private long rows;

  public SchemaInference(Options options) {
    this.options = options;
  }

  /**
   * The sample's columns in file order (a CSV header), so fields follow it rather than the order
   * values first appeared in.
   */
  public void columnOrder(List<String> order) {
    Map<String, ColumnProfile> ordered = new LinkedHashMap<>();
    order.forEach(
        c -> ordered.put(c, columns.containsKey(c) ? columns.get(c) : new ColumnProfile(c)));
    ordered.putAll(columns);
    columns.clear();
    columns.putAll(ordered);
  }

  /** Profiles one row's categorical and numeric values. */
  public void add(DatasetRow row) {
    rows++;
    row.categorical().forEach((column, value) -> profile(column).add(value));
    row.numeric().forEach((column, value) -> profile(column).add(value));
  }

  public long rows() {
    return rows;
  }

  private ColumnProfile profile(String column) {
    return columns.computeIfAbsent(column, ColumnProfile::new);
  }

  /**
   * A column of the sample that every present value shows to be a time (named like a time, values
   * epoch seconds or milliseconds, or ISO-8601 date-times), or empty.
   */
  public Optional<Map.Entry<String, TimeFormat>> timeColumn() {
    for (ColumnProfile p : columns.values()) {
      if (p.present > 0 && p.epochTimes == p.present) {
        return Optional.of(Map.entry(p.name, TimeFormat.EPOCH));
      }
      if (p.present > 0 && p.datetimes == p.present) {
        return Optional.of(Map.entry(p.name, TimeFormat.DATETIME));
      }
    }
    return Optional.empty();
  }

  /** A column named {@code id} whose values are all distinct, or empty. */
  public Optional<String> idColumn() {
    ColumnProfile id = columns.get("id");
    return id != null && id.exact() && id.distinct() == id.present && id.present == rows
        ? Optional.of("id")
        : Optional.empty();
  }

  /**
   * The schema for the sample, leaving out {@code excluded} columns (the ones the input reads as
   * label, id or time).
   *
   * @param input how the data's files read, written into the schema
   * @throws IllegalArgumentException when no column can be a field
   */
  public Proposal propose(DatasetLayout input, Set<String> excluded) {
    List<Decision> decisions = new ArrayList<>();
    List<Integer> open = new ArrayList<>();
    for (ColumnProfile p : columns.values()) {
      if (excluded.contains(p.name) || p.present == 0) {
        continue;
      }
      Decision d = decide(p);
      if (d.field().isEmpty() && d.reason().startsWith("open")) {
        open.add(decisions.size());
      }
      decisions.add(d);
    }
    long fixedRows =
        decisions.stream().flatMap(d -> d.field().stream()).mapToLong(FieldSpec::rows).sum();
    long left = options.maxRows() - fixedRows;
    for (int n = 0; n < open.size(); n++) {
      Decision d = decisions.get(open.get(n));
      long share = left / open.size() + (n < left % open.size() ? 1 : 0);
      int buckets = (int) Math.max(1, share - 1);
      decisions.set(
          open.get(n),
          new Decision(
              d.column(),
              d.present(),
              d.distinct(),
              d.exact(),
              d.newValueRate(),
              Optional.of(FieldSpec.hashed(d.column(), buckets)),
              d.reason() + ": an even share of the table"));
    }
    List<FieldSpec> fields = decisions.stream().flatMap(d -> d.field().stream()).toList();
    if (fields.isEmpty()) {
      throw new IllegalArgumentException(
          "no column of the sample can be a feature: " + columns.keySet() + " minus " + excluded);
    }
    FeatureSchema schema =
        FeatureSchema.builder()
            .optName(options.name())
            .setFields(fields)
            .optGateContexts(gates(decisions))
            .optInput(input)
            .build();
    return new Proposal(schema, List.copyOf(decisions), rows);
  }

  private Decision decide(ColumnProfile p) {
    if (p.present * 100 < rows) {
      return excluded(p, "left out: present in under 1 % of the rows");
    }
    if (p.exact() && p.distinct() == 1) {
      return excluded(p, "left out: one value only");
    }
    boolean numeric =
        options.numericColumns().contains(p.name)
            || (!options.categoricalColumns().contains(p.name)
                && p.allNumbers()
                && p.writtenWithFraction > 0);
    if (numeric) {
      if (!p.allNumbers()) {
        throw new IllegalArgumentException(
            "column '" + p.name + "' is listed numeric, but not all of its values are numbers");
      }
      if (p.wholeNumbers == p.numbers && p.min >= LOG_SQUARED_LOWEST) {
        int lowest = (int) Math.max(LOG_SQUARED_LOWEST, Math.min(0, Math.floor(p.min)));
        return field(p, FieldSpec.logSquared(p.name, lowest, LOG_SQUARED_HIGHEST), "count");
      }
      List<Double> cuts = p.quantiles(QUANTILES);
      return field(p, FieldSpec.boundaries(p.name, cuts), "number: quantile buckets");
    }
    long distinct = p.distinct();
    boolean closed = p.exact() && p.newValueRate() < CLOSED_NEW_VALUE_RATE;
    if (!closed) {
      return excluded(p, "open: many values seen once");
    }
    if (p.allIntegers() && p.max - p.min + 1 <= 2.0 * distinct) {
      return field(p, FieldSpec.idRange(p.name, (long) p.min, (long) p.max), "closed, dense ids");
    }
    if (distinct <= VOCABULARY_LIMIT) {
      return field(p, FieldSpec.vocabulary(p.name, p.valuesByFrequency()), "closed, few values");
    }
    int wanted = (int) Math.min(1 << 29, distinct * CLOSED_BUCKETS_PER_VALUE);
    int buckets = Integer.highestOneBit(wanted - 1) << 1;
    return field(p, FieldSpec.hashed(p.name, buckets), "closed, many values");
  }

  /**
   * A gate each for the user and the item, FinalMLP's convention: a field named like a user (user,
   * uid) drives gate 1 and one named like an item (item, movie, product, adgroup, sku) gate 2;
   * without such names, the categorical fields with the most distinct values, in schema order.
   */
  private static List<List<String>> gates(List<Decision> decisions) {
    List<Decision> categorical =
        decisions.stream()
            .filter(
                d ->
                    d.field().isPresent()
                        && d.field().get().encoding() instanceof CategoricalEncoding)
            .toList();
    Optional<Decision> user = named(categorical, USER_NAMES);
    Optional<Decision> item = named(categorical, ITEM_NAMES);
    List<Decision> chosen = new ArrayList<>();
    user.ifPresent(chosen::add);
    item.filter(i -> !chosen.contains(i)).ifPresent(chosen::add);
    categorical.stream()
        .sorted(Comparator.comparingLong(Decision::distinct).reversed())
        .filter(d -> !chosen.contains(d))
        .limit(2 - chosen.size())
        .forEach(chosen::add);
    if (user.isEmpty() && item.isEmpty()) {
      chosen.sort(Comparator.comparingInt(categorical::indexOf));
    }
    return chosen.stream().map(d -> List.of(d.column())).toList();
  }

  private static final Pattern USER_NAMES = Pattern.compile(".*(user|uid).*");
  private static final Pattern ITEM_NAMES = Pattern.compile(".*(item|movie|product|adgroup|sku).*");

  private static Optional<Decision> named(List<Decision> fields, Pattern names) {
    return fields.stream()
        .filter(d -> names.matcher(d.column().toLowerCase(Locale.ROOT)).matches())
        .findFirst();
  }

  private static Decision field(ColumnProfile p, FieldSpec field, String reason) {
    return new Decision(
        p.name, p.present, p.distinct(), p.exact(), p.newValueRate(), Optional.of(field), reason);
  }

  private static Decision excluded(ColumnProfile p, String reason) {
    return new Decision(
        p.name, p.present, p.distinct(), p.exact(), p.newValueRate(), Optional.empty(), reason);
  }
}
