package org.ctrflow.launcher.schema;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.ctrflow.connectors.replay.CsvDatasetReader;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.TimeFormat;
import org.ctrflow.models.features.FeatureSchemaCodec;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.features.SchemaInference;
import org.ctrflow.models.features.SchemaInference.Decision;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow schema infer}: reads a sample of a dataset, decides per column how a model should
 * read it (docs/reference/schema.md says by which rules), prints what it decided and why, and
 * writes the schema JSON, input section included, so {@code --schema FILE} alone reads the data's
 * files.
 */
@Command(
    name = "infer",
    mixinStandardHelpOptions = true,
    description =
        "Propose a feature schema from a sample of a dataset: print the per-column decisions and"
            + " write the schema JSON.")
final class InferCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin CsvColumnOptions csv;

  @Option(
      names = "--format",
      required = true,
      description = "File format: libfm, criteo, avazu or csv.")
  String format;

  @Option(
      names = "--file",
      required = true,
      description = "A sample file; repeat to profile several files of the same layout.")
  List<Path> files;

  @Option(
      names = "--out",
      defaultValue = "schema.json",
      description = "Where to write the schema JSON (default: ${DEFAULT-VALUE}).")
  Path out;

  @Option(names = "--name", description = "The schema's name (default: the first file's name).")
  String name;

  @Option(
      names = "--fields",
      description = "libfm: field names per position, 'frappe' or a,b,c (default: f0, f1, ...).")
  String fields;

  @Option(
      names = "--numeric-columns",
      split = ",",
      description = "csv: columns to read as numbers even if their values are integers.")
  List<String> numericColumns = List.of();

  @Option(
      names = "--categorical-columns",
      split = ",",
      description = "Columns to treat as categorical even if their values are numbers.")
  List<String> categoricalColumns = List.of();

  @Option(
      names = "--max-rows",
      defaultValue = "" + FeatureSchemas.DEFAULT_TOTAL_ROWS,
      description =
          "The embedding table budget; open-ended hashed fields share what the others leave"
              + " (default: ${DEFAULT-VALUE}).")
  int maxRows;

  @Option(
      names = "--limit",
      defaultValue = "9223372036854775807",
      description = "Read at most this many rows of each file.")
  long limit;

  @Override
  public Integer call() {
    PrintWriter stdout = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    try {
      run(stdout);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println("schema infer: " + e.getMessage());
      return 2;
    } catch (IOException | UncheckedIOException e) {
      err.println("schema infer failed: " + e.getMessage());
      return 1;
    } finally {
      err.flush();
    }
  }

  private void run(PrintWriter stdout) throws IOException {
    DatasetFormat datasetFormat = DatasetFormat.parse(format);
    for (String option : CsvColumnOptions.NAMES) {
      if (datasetFormat != DatasetFormat.CSV
          && spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new IllegalArgumentException(
            option + " applies to --format csv only; " + format + " files fix their own columns");
      }
    }
    List<String> libFmFields = fields == null ? List.of() : LibFmReader.fieldNames(fields);
    CsvOptions csvOptions = csv.csvOptions();
    DatasetLayout sampleLayout = new DatasetLayout(datasetFormat, libFmFields, csvOptions);
    SchemaInference inference =
        new SchemaInference(
            new SchemaInference.Options(
                name != null ? name : baseName(files.get(0)),
                Set.copyOf(numericColumns),
                Set.copyOf(categoricalColumns),
                maxRows));
    for (Path file : files) {
      read(sampleLayout, file, inference);
    }
    Set<String> excluded = new HashSet<>();
    CsvOptions.Builder detected = csvOptions.toBuilder();
    String timeNote = "";
    if (datasetFormat == DatasetFormat.CSV) {
      if (csvOptions.timeColumn() == null && !csv.noTimeColumn()) {
        var time = inference.timeColumn();
        if (time.isPresent()) {
          Map.Entry<String, TimeFormat> t = time.get();
          detected.optTimeColumn(t.getKey(), t.getValue());
          excluded.add(t.getKey());
          timeNote = " (detected; --time-column none reads it as a feature)";
        }
      }
      if (csvOptions.idColumn() == null && inference.idColumn().isPresent()) {
        detected.optIdColumn(inference.idColumn().get());
        excluded.add(inference.idColumn().get());
      }
    }
    CsvOptions finalCsv = detected.build();
    SchemaInference.Proposal proposal =
        inference.propose(new DatasetLayout(datasetFormat, libFmFields, finalCsv), excluded);
    printDecisions(stdout, proposal);
    stdout.println();
    SchemaSummary.print(stdout, proposal.schema());
    if (!timeNote.isEmpty()) {
      stdout.println("time column '" + finalCsv.timeColumn() + "'" + timeNote);
    }
    Files.writeString(
        out, FeatureSchemaCodec.toPrettyJson(proposal.schema()), StandardCharsets.UTF_8);
    stdout.println("wrote " + out);
    stdout.println(
        "next: ctrflow schema check "
            + out
            + "; ctrflow prequential --schema "
            + out
            + " --model finalmlp --file "
            + files.get(0));
    stdout.flush();
  }

  private void read(DatasetLayout layout, Path file, SchemaInference inference) throws IOException {
    long before = inference.rows();
    try (DatasetReader reader = layout.open(file)) {
      if (reader instanceof CsvDatasetReader csvReader) {
        inference.columnOrder(csvReader.columns());
      }
      for (long n = 0; n < limit && reader.hasNext(); n++) {
        inference.add(reader.next());
      }
      long read = inference.rows() - before;
      boolean labels =
          reader.malformed().total() > 0
              && reader.malformed().first().get(0).toString().contains("label must be");
      if (read == 0 || (labels && reader.malformed().total() >= read)) {
        String why =
            reader.malformed().total() == 0
                ? "it has no rows"
                : reader.malformed().total()
                    + " of "
                    + (read + reader.malformed().total())
                    + " rows are malformed, e.g. "
                    + reader.malformed().first().get(0);
        String hint =
            why.contains("label must be") && csv.labelThreshold == null
                ? "; if '"
                    + csv.labelColumn
                    + "' is a number such as a rating, give --label-threshold (values at or"
                    + " above it are positives), e.g. --label-threshold 4"
                : "";
        throw new IllegalArgumentException("cannot profile " + file + ": " + why + hint);
      }
      if (reader.malformed().total() > 0) {
        spec.commandLine()
            .getErr()
            .println(
                file
                    + ": skipped "
                    + reader.malformed().total()
                    + " malformed rows, first: "
                    + reader.malformed().first().get(0));
      }
    }
  }

  private static void printDecisions(PrintWriter out, SchemaInference.Proposal proposal) {
    out.printf(
        Locale.ROOT,
        "%,d rows profiled%n%-24s %8s %10s %9s  %-34s %s%n",
        proposal.rows(),
        "column",
        "present",
        "distinct",
        "seen once",
        "encoding",
        "why");
    for (Decision d : proposal.decisions()) {
      out.printf(
          Locale.ROOT,
          "%-24s %7.1f%% %10s %8.1f%%  %-34s %s%n",
          d.column(),
          100.0 * d.present() / proposal.rows(),
          (d.exact() ? "" : "~") + String.format(Locale.ROOT, "%,d", d.distinct()),
          100.0 * d.newValueRate(),
          d.field().map(f -> SchemaSummary.describe(f.encoding())).orElse("-"),
          d.reason());
    }
  }

  private static String baseName(Path file) {
    String n = file.getFileName().toString();
    int dot = n.indexOf('.');
    return dot > 0 ? n.substring(0, dot) : n;
  }
}
