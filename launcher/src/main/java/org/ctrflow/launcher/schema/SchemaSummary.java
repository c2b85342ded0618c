package org.ctrflow.launcher.schema;

import java.io.PrintWriter;
import java.util.Locale;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.models.features.CategoricalEncoding;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FieldEncoding;
import org.ctrflow.models.features.FieldSpec;
import org.ctrflow.models.features.NumericEncoding;

/** A schema's layout and input, as lines people read. */
final class SchemaSummary {

  private SchemaSummary() {}

  static void print(PrintWriter out, FeatureSchema schema) {
    out.printf(
        Locale.ROOT,
        "schema '%s': %d fields, %,d embedding rows, gates %s%n",
        schema.name(),
        schema.fieldCount(),
        schema.totalRows(),
        schema.gateContexts().isEmpty() ? "none (learned bias)" : schema.gateContexts());
    for (FieldSpec field : schema.fields()) {
      out.printf(
          Locale.ROOT,
          "  %-24s %-40s %,10d rows%n",
          field.name(),
          describe(field.encoding()),
          field.rows());
    }
    out.println(
        "input: "
            + schema.input().map(SchemaSummary::describe).orElse("none (commands need --format)"));
  }

  static String describe(FieldEncoding encoding) {
    if (encoding instanceof CategoricalEncoding.Hashed h) {
      return String.format(Locale.ROOT, "hashed, %,d buckets", h.buckets());
    } else if (encoding instanceof CategoricalEncoding.IdRange r) {
      return "idRange " + r.first() + ".." + r.last();
    } else if (encoding instanceof CategoricalEncoding.Vocabulary v) {
      String shown = String.join(",", v.values().subList(0, Math.min(5, v.values().size())));
      return "vocabulary [" + shown + (v.values().size() > 5 ? ",..." : "") + "]";
    } else if (encoding instanceof NumericEncoding.LogSquared l) {
      return "logSquared " + l.lowest() + ".." + l.highest();
    } else if (encoding instanceof NumericEncoding.Log1p l) {
      return "log1p, " + l.buckets() + " buckets";
    }
    return "boundaries, " + ((NumericEncoding.Boundaries) encoding).boundaries().size() + " cuts";
  }

  static String describe(DatasetLayout input) {
    String format = input.format().name().toLowerCase(Locale.ROOT);
    if (input.format() == DatasetFormat.LIBFM) {
      return format
          + (input.libFmFields().isEmpty()
              ? " (fields f0, f1, ...)"
              : " fields " + input.libFmFields());
    }
    if (input.format() != DatasetFormat.CSV) {
      return format;
    }
    CsvOptions csv = input.csv();
    StringBuilder s =
        new StringBuilder(format).append(", label '").append(csv.labelColumn()).append('\'');
    if (csv.labelThreshold() != null) {
      s.append(" (positive at >= ").append(csv.labelThreshold()).append(')');
    }
    if (csv.timeColumn() != null) {
      s.append(", time '")
          .append(csv.timeColumn())
          .append("' (")
          .append(csv.timeFormat().label())
          .append(')');
    }
    if (csv.idColumn() != null) {
      s.append(", id '").append(csv.idColumn()).append('\'');
    }
    if (csv.delimiter() != ',') {
      s.append(", delimiter '")
          .append(csv.delimiter() == '\t' ? "\\t" : String.valueOf(csv.delimiter()))
          .append('\'');
    }
    return s.toString();
  }
}
