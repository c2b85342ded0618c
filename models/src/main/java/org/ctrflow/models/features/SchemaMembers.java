package org.ctrflow.models.features;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * The members of the feature schema JSON ({@link FeatureSchemaCodec}), each declared once with its
 * JSON type, whether it is required, its default and its meaning: the reader accepts exactly these
 * and {@link #reference()} renders them as the format's reference.
 */
public final class SchemaMembers {

  /** One member of a JSON object of the format. */
  record Member(String name, Type type, boolean required, String fallback, String description) {}

  /** The JSON type a member holds, with the name messages and the reference use. */
  enum Type {
    INTEGER("integer"),
    NUMBER("number"),
    STRING("string"),
    CHARACTER("string of one character"),
    STRINGS("array of strings"),
    NUMBERS("array of numbers"),
    FIELDS("array of field objects"),
    GATES("array of arrays of field names"),
    OBJECT("object");

    final String label;

    Type(String label) {
      this.label = label;
    }
  }

  /** A field encoding: its name in {@code "encoding"}, its meaning and its own members. */
  record Encoding(String name, String description, List<Member> members) {}

  static final List<Member> ROOT =
      List.of(
          required(
              "formatVersion",
              Type.INTEGER,
              "The format's version: "
                  + FeatureSchemaCodec.FORMAT_VERSION
                  + " (this page). Readers reject versions they do not know, by number."),
          optional("name", Type.STRING, "unnamed", "A descriptive name, e.g. `taobao`."),
          optional(
              "hash",
              Type.STRING,
              FeatureSchemaCodec.HASH,
              "The hash of hashed fields; `" + FeatureSchemaCodec.HASH + "` is the only one."),
          optional(
              "seed",
              Type.INTEGER,
              "0",
              "Seed of every hashed field's hash (with the field name)."),
          optional(
              "totalRows",
              Type.INTEGER,
              "computed",
              "Rows of the embedding table: the sum of the fields' rows. Checked when present, so"
                  + " a layout that would decode differently fails instead of scrambling a model."),
          required(
              "fields",
              Type.FIELDS,
              "The fields in model order, at least one; each owns `1 + values` rows of the table"
                  + " (row 0 of a field is its missing / out-of-vocabulary row)."),
          optional(
              "gateContexts",
              Type.GATES,
              "[]",
              "Per FinalMLP feature-selection gate, the fields whose embeddings drive it, e.g."
                  + " `[[\"user\"], [\"item\"]]`; empty: the gates learn a bias."),
          optional(
              "input",
              Type.OBJECT,
              "none",
              "How dataset files of this data read (see below); commands given the schema then"
                  + " need no `--format`. Not part of the layout."));

  static final List<Member> FIELD =
      List.of(
          required(
              "name",
              Type.STRING,
              "The key of the value in an event's `features` (categorical encodings) or"
                  + " `numericFeatures` (numeric ones) and the column of a CSV file."),
          required("encoding", Type.STRING, "One of the encodings below."));

  static final List<Encoding> ENCODINGS =
      List.of(
          new Encoding(
              "hashed",
              "Categorical: the value's MurmurHash3 modulo `buckets`. Never out of vocabulary;"
                  + " distinct values may share a row.",
              List.of(required("buckets", Type.INTEGER, "Value rows, at least 1, e.g. 65536."))),
          new Encoding(
              "idRange",
              "Categorical: decimal integer ids `first..last`, each its own row; anything else is"
                  + " out of vocabulary. Suits dense ids and libFM's global feature ids.",
              List.of(
                  required("first", Type.INTEGER, "The first id."),
                  required("last", Type.INTEGER, "The last id, at least `first`."))),
          new Encoding(
              "vocabulary",
              "Categorical: an explicit list of values, each its own row; others are out of"
                  + " vocabulary.",
              List.of(required("values", Type.STRINGS, "Distinct values, at least one."))),
          new Encoding(
              "logSquared",
              "Numeric: the Criteo transform `floor(ln(x)^2)` for `x > 2`, else `x` truncated,"
                  + " clamped to `[lowest, highest]`; one row per integer in the range.",
              List.of(
                  required("lowest", Type.INTEGER, "The lowest bucket, e.g. -3."),
                  required("highest", Type.INTEGER, "The highest bucket, e.g. 400 (x = e^20)."))),
          new Encoding(
              "log1p",
              "Numeric: `floor(ln(1 + x))` for `x >= 0` in `buckets` buckets, the last open-ended.",
              List.of(required("buckets", Type.INTEGER, "Buckets, at least 1, e.g. 24."))),
          new Encoding(
              "boundaries",
              "Numeric: explicit boundaries `b0 < b1 < ...`; bucket 1 is `x < b0`, the last `x >="
                  + " bk`.",
              List.of(
                  required(
                      "boundaries",
                      Type.NUMBERS,
                      "Finite, strictly ascending, at least one, e.g. `[0.0, 10.0, 100.0]`."))));

  /** The input members; the formats each applies to are in its description's first words. */
  static final List<Member> INPUT =
      List.of(
          required("format", Type.STRING, "The file format: `libfm`, `criteo`, `avazu` or `csv`."),
          optional(
              "fieldNames",
              Type.STRINGS,
              "f0, f1, ...",
              "libfm: the field name of each feature position; every schema field must be one."),
          optional("labelColumn", Type.STRING, "label", "csv: the label column."),
          optional(
              "labelThreshold",
              Type.NUMBER,
              "none",
              "csv: the label column is a number (e.g. a 1-5 rating) and values at or above this"
                  + " one are positives; without it the column holds 0/1 (or -1)."),
          optional("idColumn", Type.STRING, "none", "csv: the impression-id column."),
          optional("timeColumn", Type.STRING, "none", "csv: the event-time column."),
          optional(
              "timeFormat",
              Type.STRING,
              "epoch",
              "csv: how the time column is written: `epoch` (seconds or milliseconds),"
                  + " `datetime` (ISO-8601, e.g. `2017-05-06 00:00:00`, UTC unless an offset is"
                  + " given) or `yymmddhh` (Avazu's hour, UTC)."),
          optional("delimiter", Type.CHARACTER, ",", "csv: the field separator, e.g. `\\t`."),
          optional(
              "header",
              Type.STRINGS,
              "the first line",
              "csv: the column names when the file has no header line."));

  /** Input members that only CSV files have. */
  static final List<String> CSV_ONLY =
      List.of(
          "labelColumn",
          "labelThreshold",
          "idColumn",
          "timeColumn",
          "timeFormat",
          "delimiter",
          "header");

  private SchemaMembers() {}

  static Map<String, Encoding> encodingsByName() {
    Map<String, Encoding> byName = new LinkedHashMap<>();
    ENCODINGS.forEach(e -> byName.put(e.name(), e));
    return byName;
  }

  static String encodingNames() {
    return ENCODINGS.stream().map(Encoding::name).collect(Collectors.joining(", "));
  }

  /** The format's reference in Markdown: one table per object, one row per member. */
  public static String reference() {
    StringBuilder out = new StringBuilder();
    out.append("#### The schema object\n\n");
    table(ROOT, out);
    out.append("#### A field object\n\n");
    table(FIELD, out);
    out.append("Encodings and their members:\n\n");
    out.append("| encoding | members | what it does |\n|---|---|---|\n");
    for (Encoding e : ENCODINGS) {
      out.append("| `")
          .append(e.name())
          .append("` | ")
          .append(
              e.members().stream()
                  .map(m -> "`" + m.name() + "` (" + m.type().label + "): " + m.description())
                  .collect(Collectors.joining("<br>")))
          .append(" | ")
          .append(e.description())
          .append(" |\n");
    }
    out.append("\n#### The input object\n\n");
    table(INPUT, out);
    return out.toString();
  }

  private static void table(List<Member> members, StringBuilder out) {
    out.append("| member | type | required | default | description |\n|---|---|---|---|---|\n");
    for (Member m : members) {
      out.append("| `")
          .append(m.name())
          .append("` | ")
          .append(m.type().label)
          .append(" | ")
          .append(m.required() ? "yes" : "no")
          .append(" | ")
          .append(m.fallback() == null ? "" : "`" + m.fallback() + "`")
          .append(" | ")
          .append(m.description().replace("|", "\\|"))
          .append(" |\n");
    }
    out.append('\n');
  }

  private static Member required(String name, Type type, String description) {
    return new Member(name, type, true, null, description);
  }

  private static Member optional(String name, Type type, String fallback, String description) {
    return new Member(name, type, false, fallback, description);
  }
}
