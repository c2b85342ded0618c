package org.ctrflow.connectors.generator;

import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.ctrflow.connectors.replay.ClickDelay;

/**
 * What the synthetic stream looks like. Build with {@link #builder()}; every setting has a default.
 *
 * @param fields the categorical fields and how many values each has
 * @param zipfExponent popularity skew of every field's values (rank r drawn with weight {@code
 *     1/(r+1)^s})
 * @param baseCtr the teacher's base rate: the CTR of an event whose weights are all zero
 * @param interactions the field pairs the teacher scores with low-rank factors
 * @param rank the factors' dimension
 * @param weightStd standard deviation of first-order weights and of factor entries
 * @param seed drives the teacher and every draw: the same config yields the same stream
 * @param eventsPerSecond event-time rate: event {@code i} happens at {@code start + i / rate}
 * @param startTimeMillis event time of event 0, epoch ms
 * @param clickDelay when a click follows its impression
 * @param drift scripted changes of the teacher
 */
public record GeneratorConfig(
    List<Field> fields,
    double zipfExponent,
    double baseCtr,
    List<Pair> interactions,
    int rank,
    double weightStd,
    long seed,
    double eventsPerSecond,
    long startTimeMillis,
    ClickDelay clickDelay,
    DriftScript drift) {

  /** The field that {@link DriftStep.NewItems} grows. */
  public static final String ITEM_FIELD = "item";

  /** A categorical field with values {@code 0..cardinality-1}. */
  public record Field(String name, int cardinality) {
    public Field {
      if (name == null || name.isBlank()) {
        throw new IllegalArgumentException("field names must not be blank");
      }
      if (cardinality < 1) {
        throw new IllegalArgumentException(
            "field '" + name + "' needs a cardinality >= 1, was " + cardinality);
      }
    }
  }

  /** Two fields whose values interact. */
  public record Pair(String first, String second) {}

  public GeneratorConfig {
    fields = List.copyOf(fields);
    interactions = List.copyOf(interactions);
    Set<String> names = new HashSet<>();
    for (Field field : fields) {
      require(names.add(field.name()), "field '" + field.name() + "' is declared twice");
    }
    require(!fields.isEmpty(), "at least one field is required, e.g. user:10000");
    require(zipfExponent > 0 && zipfExponent < 10, "zipf exponent must be in (0, 10), e.g. 1.1");
    require(baseCtr > 0 && baseCtr < 1, "base CTR must be in (0, 1), e.g. 0.1; was " + baseCtr);
    require(rank >= 1 && rank <= 64, "factor rank must be in 1..64, e.g. 4; was " + rank);
    require(weightStd >= 0 && weightStd <= 5, "weight std must be in [0, 5], e.g. 0.5");
    require(
        eventsPerSecond > 0 && Double.isFinite(eventsPerSecond),
        "events per second must be > 0, e.g. 1000; was " + eventsPerSecond);
    require(startTimeMillis >= 0, "start time must be epoch ms >= 0");
    for (Pair pair : interactions) {
      require(
          names.contains(pair.first())
              && names.contains(pair.second())
              && !pair.first().equals(pair.second()),
          "interaction " + pair + " must name two different declared fields " + names);
    }
    for (DriftStep step : drift.steps()) {
      validate(step, fields);
    }
  }

  private static void validate(DriftStep step, List<Field> fields) {
    if (step instanceof DriftStep.FlipSegment flip) {
      Field field =
          fields.stream()
              .filter(f -> f.name().equals(flip.field()))
              .findFirst()
              .orElseThrow(
                  () ->
                      new IllegalArgumentException(
                          "drift " + flip + " names an unknown field; fields: " + fields));
      require(
          flip.value() >= 0 && flip.value() < field.cardinality(),
          "drift " + flip + ": value must be in 0.." + (field.cardinality() - 1));
    } else if (step instanceof DriftStep.NewItems) {
      require(
          fields.stream().anyMatch(f -> f.name().equals(ITEM_FIELD)),
          "new-items drift needs a field named '" + ITEM_FIELD + "'");
    }
  }

  private static void require(boolean condition, String message) {
    if (!condition) {
      throw new IllegalArgumentException(message);
    }
  }

  /** Index of a field by name, or -1. */
  int fieldIndex(String name) {
    for (int i = 0; i < fields.size(); i++) {
      if (fields.get(i).name().equals(name)) {
        return i;
      }
    }
    return -1;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Defaults: a small ad marketplace with a 10% base rate, 1,000 events/s, no drift. */
  public static final class Builder {
    private List<Field> fields =
        List.of(
            new Field("user", 10_000),
            new Field("item", 2_000),
            new Field("category", 50),
            new Field("device", 4),
            new Field("hour", 24),
            new Field("site", 200));
    private double zipfExponent = 1.1;
    private double baseCtr = 0.1;
    private List<Pair> interactions =
        List.of(new Pair("user", "category"), new Pair("item", "device"), new Pair("site", "hour"));
    private int rank = 4;
    private double weightStd = 0.5;
    private long seed = 42;
    private double eventsPerSecond = 1_000;
    private long startTimeMillis = Instant.parse("2026-01-01T00:00:00Z").toEpochMilli();
    private ClickDelay clickDelay;
    private DriftScript drift = DriftScript.none();

    public Builder fields(List<Field> value) {
      fields = value;
      return this;
    }

    public Builder zipfExponent(double value) {
      zipfExponent = value;
      return this;
    }

    public Builder baseCtr(double value) {
      baseCtr = value;
      return this;
    }

    public Builder interactions(List<Pair> value) {
      interactions = value;
      return this;
    }

    public Builder rank(int value) {
      rank = value;
      return this;
    }

    public Builder weightStd(double value) {
      weightStd = value;
      return this;
    }

    public Builder seed(long value) {
      seed = value;
      return this;
    }

    public Builder eventsPerSecond(double value) {
      eventsPerSecond = value;
      return this;
    }

    public Builder startTimeMillis(long value) {
      startTimeMillis = value;
      return this;
    }

    /** Defaults to {@link ClickDelay#defaults} with the generator's seed. */
    public Builder clickDelay(ClickDelay value) {
      clickDelay = value;
      return this;
    }

    public Builder drift(DriftScript value) {
      drift = value;
      return this;
    }

    public GeneratorConfig build() {
      return new GeneratorConfig(
          fields,
          zipfExponent,
          baseCtr,
          interactions,
          rank,
          weightStd,
          seed,
          eventsPerSecond,
          startTimeMillis,
          clickDelay != null ? clickDelay : ClickDelay.defaults(seed),
          drift);
    }
  }
}
