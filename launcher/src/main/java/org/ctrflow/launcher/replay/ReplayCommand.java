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
import org.ctrflow.connectors.replay.ClickDelay;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetReplay;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.PublishException;
import org.ctrflow.connectors.replay.ReplayOptions;
import org.ctrflow.connectors.replay.ReplayStats;
import org.ctrflow.connectors.replay.TimeFormat;
import org.ctrflow.launcher.emit.ConsoleProgress;
import org.ctrflow.launcher.emit.EmitOptions;
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

  @Option(
      names = "--format",
      required = true,
      description = "Dataset format: libfm, criteo, avazu or csv.")
  String format;

  @Option(names = "--file", required = true, description = "The dataset file.")
  Path file;

  @Option(
      names = "--fields",
      description = "libfm: field names per position, 'frappe' or a,b,c (default: f0, f1, ...).")
  String fields;

  @Option(
      names = "--label-column",
      defaultValue = "label",
      description = "csv: the 0/1 label column (default: ${DEFAULT-VALUE}).")
  String labelColumn;

  @Option(
      names = "--label-threshold",
      description =
          "csv: the label column is a number (e.g. a 1-5 rating) and values at or above this one"
              + " are clicks, e.g. 4 (default: the column holds 0/1).")
  Double labelThreshold;

  @Option(
      names = "--numeric-columns",
      split = ",",
      description = "csv: columns read as numbers; all others are categorical.")
  List<String> numericColumns = List.of();

  @Option(names = "--id-column", description = "csv: the impression-id column.")
  String idColumn;

  @Option(
      names = "--time-column",
      description = "csv: the event-time column, epoch seconds or milliseconds.")
  String timeColumn;

  @Option(
      names = "--delimiter",
      defaultValue = ",",
      description = "csv: the field separator, one character or 'tab' (default: ${DEFAULT-VALUE}).")
  String delimiter;

  @Option(names = "--limit", description = "Replay at most this many rows.")
  long limit = Long.MAX_VALUE;

  @Option(
      names = "--base-time",
      description =
          "Event time of the first row without its own time, ISO-8601 (2026-01-01T00:00:00Z)"
              + " or epoch ms (default: now).")
  String baseTime;

  @Option(
      names = "--interval-ms",
      defaultValue = "10",
      description =
          "Event-time step between rows without their own time (default: ${DEFAULT-VALUE}).")
  long intervalMs;

  @Option(
      names = "--click-delay-ms",
      defaultValue = "1000-30000",
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
    DatasetFormat datasetFormat = parse(() -> DatasetFormat.parse(format));
    rejectOptionsOtherFormatsIgnore(datasetFormat);
    List<String> libFmFields =
        fields == null ? List.of() : parse(() -> LibFmReader.fieldNames(fields));
    ConsoleProgress progress =
        new ConsoleProgress(
            err, ConsoleProgress.stderrIsTerminal(), limit == Long.MAX_VALUE ? 0 : limit);
    ReplayStats stats;
    try (DatasetReader reader = datasetFormat.open(file, libFmFields, csvOptions());
        EventPublisher publisher = publishers.apply(emit)) {
      err.println(
          "replaying "
              + file
              + " ("
              + datasetFormat.name().toLowerCase(java.util.Locale.ROOT)
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

  /** An option the chosen format ignores is a mistake worth stopping for, not a silent no-op. */
  private void rejectOptionsOtherFormatsIgnore(DatasetFormat datasetFormat) {
    List<String> csvOnly =
        List.of(
            "--label-column", "--numeric-columns", "--id-column", "--time-column", "--delimiter");
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
                    "--click-delay-ms must be min-max in milliseconds, e.g. 1000-30000");
              }
              return new ClickDelay(
                  Duration.ofMillis(Long.parseLong(range[0].strip())),
                  Duration.ofMillis(Long.parseLong(range[1].strip())),
                  seed);
            });
    return parse(
        () -> new ReplayOptions(base, intervalMs, delay, limit, emit.rate, Duration.ofSeconds(1)));
  }

  private CsvOptions csvOptions() {
    char separator =
        parse(
            () -> {
              if (delimiter.equalsIgnoreCase("tab") || delimiter.equals("\\t")) {
                return '\t';
              }
              if (delimiter.length() != 1) {
                throw new IllegalArgumentException(
                    "--delimiter must be one character or 'tab', was '" + delimiter + "'");
              }
              return delimiter.charAt(0);
            });
    CsvOptions columns =
        CsvOptions.defaults()
            .withLabelColumn(labelColumn)
            .withNumericColumns(Set.copyOf(numericColumns))
            .withIdColumn(idColumn)
            .withDelimiter(separator);
    CsvOptions options =
        labelThreshold == null ? columns : parse(() -> columns.withLabelThreshold(labelThreshold));
    return timeColumn == null ? options : options.withTimeColumn(timeColumn, TimeFormat.EPOCH);
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
