package org.ctrflow.models.features;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;

/**
 * The declared input of a model: an ordered list of fields and the layout of the single embedding
 * table they share. Field {@code f} owns rows {@code offset(f) .. offset(f) + rows(f) - 1}; row
 * {@code offset(f)} is its missing/OOV row. The schema is immutable and is saved with every model
 * snapshot (see {@link FeatureSchemaCodec}), since the rows a value maps to depend on all of it.
 *
 * <p>Gate contexts name, per FinalMLP feature-selection gate, the fields whose embeddings condition
 * that gate (e.g. Frappe: {@code [[user], [item]]}); empty when unused.
 *
 * <p>The optional input says how dataset files of this data read (format, label and time columns),
 * so that commands given the schema need no further options; it is not part of the layout.
 */
public final class FeatureSchema {

  private final String name;
  private final int seed;
  private final List<FieldSpec> fields;
  private final List<List<String>> gateContexts;
  private final DatasetLayout input;
  private final Map<String, Integer> indexByName;
  private final int[] offsets;
  private final int[] fieldSeeds;
  private final int totalRows;

  private FeatureSchema(Builder b) {
    this.name = b.name;
    this.seed = b.seed;
    this.fields = List.copyOf(b.fields);
    this.gateContexts = b.gateContexts.stream().map(List::copyOf).toList();
    this.input = b.input == null ? null : b.input.withNumericColumns(numericFields(fields));
    this.indexByName = new HashMap<>();
    this.offsets = new int[fields.size()];
    this.fieldSeeds = new int[fields.size()];
    long rows = 0;
    for (int f = 0; f < fields.size(); f++) {
      FieldSpec field = fields.get(f);
      offsets[f] = (int) rows;
      // Seeded by name, not position: a field hashes the same wherever it sits in the schema.
      fieldSeeds[f] = (int) MurmurHash3.hash64(field.name(), seed);
      rows += field.rows();
      indexByName.put(field.name(), f);
    }
    this.totalRows = (int) rows;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A descriptive name such as {@code frappe}; not part of the layout. */
  public String name() {
    return name;
  }

  /** The seed every hashed field's seed derives from. */
  public int seed() {
    return seed;
  }

  public List<FieldSpec> fields() {
    return fields;
  }

  /** F, the number of fields: the length of one encoded example. */
  public int fieldCount() {
    return fields.size();
  }

  /** The field's position, or -1 when the schema has no field of that name. */
  public int fieldIndex(String fieldName) {
    return indexByName.getOrDefault(fieldName, -1);
  }

  /** The first (missing/OOV) row of field {@code f}, {@code 0 <= f < fieldCount()}. */
  public int offset(int f) {
    return offsets[f];
  }

  /** The number of rows of field {@code f}, including its missing/OOV row. */
  public int rows(int f) {
    return fields.get(f).rows();
  }

  /** The hash seed of field {@code f}. */
  public int fieldSeed(int f) {
    return fieldSeeds[f];
  }

  /** The size of the embedding table all fields share. */
  public int totalRows() {
    return totalRows;
  }

  /** Per gate, the names of its context fields. */
  public List<List<String>> gateContexts() {
    return gateContexts;
  }

  /** The field positions of gate {@code gate}'s context fields, in declaration order. */
  public int[] gateContextIndices(int gate) {
    return gateContexts.get(gate).stream().mapToInt(this::fieldIndex).toArray();
  }

  /**
   * How dataset files of this data read, if the schema says; a CSV layout reads the schema's
   * numeric fields as numbers.
   */
  public Optional<DatasetLayout> input() {
    return Optional.ofNullable(input);
  }

  /** The names of the fields with a numeric encoding, in schema order. */
  public Set<String> numericFieldNames() {
    return numericFields(fields);
  }

  private static Set<String> numericFields(List<FieldSpec> fields) {
    return fields.stream()
        .filter(f -> f.encoding() instanceof NumericEncoding)
        .map(FieldSpec::name)
        .collect(Collectors.toCollection(java.util.LinkedHashSet::new));
  }

  /** An encoder for this schema; encoders are immutable and may be shared between threads. */
  public FeatureEncoder encoder() {
    return new FeatureEncoder(this);
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof FeatureSchema s
        && name.equals(s.name)
        && seed == s.seed
        && fields.equals(s.fields)
        && gateContexts.equals(s.gateContexts)
        && Objects.equals(input, s.input);
  }

  @Override
  public int hashCode() {
    return Objects.hash(name, seed, fields, gateContexts, input);
  }

  @Override
  public String toString() {
    return "FeatureSchema[" + name + ", " + fields.size() + " fields, " + totalRows + " rows]";
  }

  /** Collects a schema; {@link #build()} validates it. */
  public static final class Builder {
    private String name = "unnamed";
    private int seed;
    private final List<FieldSpec> fields = new ArrayList<>();
    private List<List<String>> gateContexts = List.of();
    private DatasetLayout input;

    private Builder() {}

    /** Required: at least one field, names distinct. Appends in order. */
    public Builder addField(FieldSpec field) {
      fields.add(Objects.requireNonNull(field, "field"));
      return this;
    }

    /** Required unless {@link #addField} is used: replaces the fields. */
    public Builder setFields(List<FieldSpec> newFields) {
      fields.clear();
      newFields.forEach(this::addField);
      return this;
    }

    /** Optional, default {@code unnamed}. */
    public Builder optName(String schemaName) {
      this.name = Objects.requireNonNull(schemaName, "name");
      return this;
    }

    /** Optional, default 0: the seed of the hashed fields. */
    public Builder optSeed(int hashSeed) {
      this.seed = hashSeed;
      return this;
    }

    /** Optional, default none: per gate, names of fields of this schema. */
    public Builder optGateContexts(List<List<String>> contexts) {
      this.gateContexts = List.copyOf(contexts);
      return this;
    }

    /** Optional, default none: how dataset files of this data read. */
    public Builder optInput(DatasetLayout layout) {
      this.input = layout;
      return this;
    }

    /**
     * @throws IllegalArgumentException saying what is invalid and what a valid value looks like
     */
    public FeatureSchema build() {
      if (fields.isEmpty()) {
        throw new IllegalArgumentException(
            "a feature schema needs at least one field, e.g. addField(FieldSpec.hashed(\"C1\","
                + " 65536))");
      }
      List<String> names = new ArrayList<>();
      long rows = 0;
      for (FieldSpec field : fields) {
        if (names.contains(field.name())) {
          throw new IllegalArgumentException(
              "field names must be distinct; '" + field.name() + "' appears twice");
        }
        names.add(field.name());
        rows += field.rows();
      }
      if (rows > Integer.MAX_VALUE) {
        throw new IllegalArgumentException(
            "the fields need " + rows + " embedding rows; at most 2^31 - 1 (e.g. 2^20) fit");
      }
      for (List<String> context : gateContexts) {
        for (String field : context) {
          if (!names.contains(field)) {
            throw new IllegalArgumentException(
                "gate context field '"
                    + field
                    + "' is not a field of the schema; fields: "
                    + names);
          }
        }
      }
      if (input != null) {
        checkInput(names);
      }
      return new FeatureSchema(this);
    }

    private void checkInput(List<String> names) {
      if (input.format() == DatasetFormat.CSV) {
        var csv = input.csv();
        for (String column :
            java.util.Arrays.asList(csv.labelColumn(), csv.idColumn(), csv.timeColumn())) {
          if (column != null && names.contains(column)) {
            throw new IllegalArgumentException(
                "input: column '"
                    + column
                    + "' is the label, id or time column and also a field; remove the field, or"
                    + " a model would read it as a feature");
          }
        }
      }
      if (input.format() == DatasetFormat.LIBFM && !input.libFmFields().isEmpty()) {
        for (String field : names) {
          if (!input.libFmFields().contains(field)) {
            throw new IllegalArgumentException(
                "field '"
                    + field
                    + "' is not among input.fieldNames "
                    + input.libFmFields()
                    + ", so libFM files never hold it; valid: one of those names");
          }
        }
      }
    }
  }
}
