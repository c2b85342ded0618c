package org.ctrflow.launcher.replay;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.ctrflow.connectors.config.Durations;
import org.ctrflow.connectors.replay.ClickDelay;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetReplay;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.PublishException;
import org.ctrflow.connectors.replay.ReplayOptions;
import org.ctrflow.connectors.replay.ReplayStats;
import org.ctrflow.launcher.DurationConverter;
import org.ctrflow.launcher.emit.ConsoleProgress;
import org.ctrflow.launcher.emit.EmitOptions;
import org.ctrflow.launcher.models.SchemaSetup;
import org.ctrflow.launcher.schema.CsvColumnOptions;
import org.ctrflow.models.features.FeatureSchema;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ctrflow replay}: a CTR dataset file as impression and click events on Kafka. */
@Command(
    name = "replay",
    mixinStandardHelpOptions = true,
    description = {
      "Replays a CTR dataset as impressions (every row) and clicks (positive rows) on Kafka.",
      "Ids and event times are derived from the file, so a re-run sends the same events."
    })
public final class ReplayCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin EmitOptions emit;

  @Mixin CsvColumnOptions csv;

  @Option(
      names = "--schema",
      description =
          "A feature schema JSON file whose input section says how the file reads (ctrflow schema"
              + " infer writes one); replaces --format and the csv options.")
  Path schemaFile;

  @Option(names = "--format", description = "Dataset format: libfm, criteo, avazu or csv.")
  String format;

  @Option(names = "--file", required = true, description = "The dataset file.")
  Path file;

  @Option(
      names = "--fields",
      description = "libfm: field names per position, 'frappe' or a,b,c (default: f0, f1, ...).")
  String fields;

  @Option(
      names = "--numeric-columns",
      split = ",",
      description = "csv: columns read as numbers; all others are categorical.")
  List<String> numericColumns = List.of();

  @Option(
      names = "--ignore-file-times",
      description =
          "Give every row an event time from --base-time and --interval, also rows with their"
              + " own (csv time column): an old file replayed as a live stream.")
  boolean ignoreFileTimes;

  @Option(names = "--limit", description = "Replay at most this many rows.")
  long limit = Long.MAX_VALUE;

  @Option(
      names = "--base-time",
      description =
          "Event time of the first row without its own time, ISO-8601 (2026-01-01T00:00:00Z)"
              + " or epoch ms (default: now).")
  String baseTime;

  @Option(
      names = "--interval",
      defaultValue = "10ms",
      converter = DurationConverter.class,
      description =
          "Event-time step between rows without their own time (default: ${DEFAULT-VALUE}).")
  Duration interval;

  @Option(
      names = "--click-delay",
      defaultValue = "1s-30s",
      description =
          "Range of a click's delay after its impression, min-max (default: ${DEFAULT-VALUE}).")
  String clickDelay;

  @Option(
      names = "--seed",
      defaultValue = "0",
      description = "Seed of the click delays (default: ${DEFAULT-VALUE}).")
  long seed;

  private final Function<EmitOptions, EventPublisher> publishers;

  public ReplayCommand() {
    this(EmitOptions::kafkaPublisher);
  }

  /** For tests: events go to the given publisher instead of Kafka. */
  ReplayCommand(Function<EmitOptions, EventPublisher> publishers) {
    this.publishers = publishers;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    ReplayOptions options = options();
    DatasetLayout layout = layout();
    if (ignoreFileTimes && layout.csv().timeColumn() != null) {
      layout =
          new DatasetLayout(
              layout.format(),
              layout.libFmFields(),
              layout.csv().toBuilder().optTimeColumn(null, layout.csv().timeFormat()).build());
    }
    ConsoleProgress progress =
        new ConsoleProgress(
            err, ConsoleProgress.stderrIsTerminal(), limit == Long.MAX_VALUE ? 0 : limit);
    ReplayStats stats;
    try (DatasetReader reader = layout.open(file);
        EventPublisher publisher = publishers.apply(emit)) {
      err.println(
          "replaying "
              + file
              + " ("
              + layout.format().name().toLowerCase(java.util.Locale.ROOT)
              + ") to "
              + describeTarget());
      stats =
          new DatasetReplay(options)
              .run(
                  reader,
                  publisher,
                  p -> progress.update(p.rowsRead(), ReplayReport.progressLine(p)));
    } catch (IllegalArgumentException | PublishException e) {
      progress.finish();
      err.println("replay failed: " + e.getMessage());
      return 1;
    }
    progress.finish();
    ReplayReport.printSummary(out, stats);
    return 0;
  }

  /** How the file reads: the schema's input, or the format and its options. */
  private DatasetLayout layout() {
    if (schemaFile != null) {
      List<String> given = new java.util.ArrayList<>(CsvColumnOptions.NAMES);
      given.addAll(List.of("--format", "--fields", "--numeric-columns"));
      for (String option : given) {
        if (spec.commandLine().getParseResult().hasMatchedOption(option)) {
          throw new ParameterException(
              spec.commandLine(),
              option
                  + " goes with --format; with --schema the schema's input section says how"
                  + " the file reads");
        }
      }
      FeatureSchema schema = parse(() -> SchemaSetup.read(schemaFile));
      return schema
          .input()
          .orElseThrow(
              () ->
                  new ParameterException(
                      spec.commandLine(),
                      "schema file "
                          + schemaFile
                          + " has no input section, so it does not say how the file reads; give"
                          + " --format (and its options) instead"));
    }
    if (format == null) {
      throw new ParameterException(
          spec.commandLine(), "give --format (libfm, criteo, avazu or csv) or --schema FILE");
    }
    DatasetFormat datasetFormat = parse(() -> DatasetFormat.parse(format));
    rejectOptionsOtherFormatsIgnore(datasetFormat);
    List<String> libFmFields =
        fields == null ? List.of() : parse(() -> LibFmReader.fieldNames(fields));
    return new DatasetLayout(datasetFormat, libFmFields, csvOptions());
  }

  /** An option the chosen format ignores is a mistake worth stopping for, not a silent no-op. */
  private void rejectOptionsOtherFormatsIgnore(DatasetFormat datasetFormat) {
    List<String> csvOnly = new java.util.ArrayList<>(CsvColumnOptions.NAMES);
    csvOnly.add("--numeric-columns");
    for (String option : csvOnly) {
      if (datasetFormat != DatasetFormat.CSV
          && spec.commandLine().getParseResult().hasMatchedOption(option)) {
        throw new ParameterException(
            spec.commandLine(),
            option + " applies to --format csv only; " + format + " files fix their own columns");
      }
    }
    if (datasetFormat != DatasetFormat.LIBFM && fields != null) {
      throw new ParameterException(
          spec.commandLine(), "--fields applies to --format libfm only; use it with libFM files");
    }
  }

  private String describeTarget() {
    return "Kafka " + emit.bootstrap + ", topics " + emit.topicPrefix + ".{impressions,clicks}";
  }

  private ReplayOptions options() {
    long base = baseTime == null ? System.currentTimeMillis() : parse(() -> instant(baseTime));
    String[] range = clickDelay.split("-", 2);
    ClickDelay delay =
        parse(
            () -> {
              if (range.length != 2) {
                throw new IllegalArgumentException(
                    "--click-delay must be min-max, two durations, e.g. 1s-30s");
              }
              return new ClickDelay(Durations.parse(range[0]), Durations.parse(range[1]), seed);
            });
    return parse(
        () ->
            new ReplayOptions(
                base, interval.toMillis(), delay, limit, emit.rate, Duration.ofSeconds(1)));
  }

  private CsvOptions csvOptions() {
    return parse(
        () -> csv.csvOptions().toBuilder().optNumericColumns(Set.copyOf(numericColumns)).build());
  }

  private static long instant(String text) {
    try {
      return Instant.parse(text).toEpochMilli();
    } catch (DateTimeParseException e) {
      try {
        return Long.parseLong(text);
      } catch (NumberFormatException notANumber) {
        throw new IllegalArgumentException(
            "--base-time must be ISO-8601 like 2026-01-01T00:00:00Z or epoch ms, was '"
                + text
                + "'");
      }
    }
  }

  /** Runs a parse step, turning its IllegalArgumentException into a usage error. */
  private <T> T parse(java.util.function.Supplier<T> step) {
    try {
      return step.get();
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }
}
