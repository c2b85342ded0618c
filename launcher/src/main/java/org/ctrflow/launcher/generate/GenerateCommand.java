package org.ctrflow.launcher.generate;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.function.Function;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.generator.GeneratorStats;
import org.ctrflow.connectors.generator.PhaseStats;
import org.ctrflow.connectors.generator.StreamGenerator;
import org.ctrflow.connectors.generator.SyntheticStream;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.PublishException;
import org.ctrflow.launcher.emit.ConsoleProgress;
import org.ctrflow.launcher.emit.EmitOptions;
import org.ctrflow.launcher.emit.Numbers;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ctrflow generate}: a synthetic CTR stream from a hidden teacher model, with drift. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Generates impressions and clicks labelled by a hidden teacher model and sends them to Kafka.",
      "The same seed yields the same stream; --drift scripts changes of the teacher."
    })
public final class GenerateCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin EmitOptions emit;

  @Option(
      names = "--count",
      defaultValue = "200000",
      description = "Impressions to generate (default: ${DEFAULT-VALUE}).")
  long count;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Seed of the teacher and of every draw (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--drift",
      defaultValue = DriftScript.DEMO_SPEC,
      description = {
        "Drift script: <event>:<kind>:<arg>,... with kinds flip-segment (category=7),"
            + " new-items (200), base-rate (0.05); 'none' for none.",
        "Default: ${DEFAULT-VALUE}"
      })
  String drift;

  @Option(
      names = "--base-ctr",
      defaultValue = "0.1",
      description = "The teacher's base rate (default: ${DEFAULT-VALUE}).")
  double baseCtr;

  @Option(
      names = "--zipf",
      defaultValue = "1.1",
      description = "Popularity skew of feature values (default: ${DEFAULT-VALUE}).")
  double zipf;

  @Option(
      names = "--events-per-second",
      defaultValue = "1000",
      description =
          "Event-time rate: how fast time passes in the stream (default: ${DEFAULT-VALUE}).")
  double eventsPerSecond;

  @Option(
      names = "--start-time-ms",
      description = "Event time of the first event, epoch ms (default: now).")
  Long startTimeMs;

  @Option(
      names = "--truth-file",
      description = "Write impression_id,event_index,p_true,drift_phase here for evaluation.")
  Path truthFile;

  private final Function<EmitOptions, EventPublisher> publishers;

  public GenerateCommand() {
    this(EmitOptions::kafkaPublisher);
  }

  /** For tests: events go to the given publisher instead of Kafka. */
  GenerateCommand(Function<EmitOptions, EventPublisher> publishers) {
    this.publishers = publishers;
  }

  @Override
  public Integer call() throws Exception {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    GeneratorConfig config;
    StreamGenerator generator;
    try {
      config =
          GeneratorConfig.builder()
              .seed(seed)
              .baseCtr(baseCtr)
              .zipfExponent(zipf)
              .eventsPerSecond(eventsPerSecond)
              .startTimeMillis(startTimeMs != null ? startTimeMs : System.currentTimeMillis())
              .drift(DriftScript.parse(drift))
              .build();
      generator = new StreamGenerator(count, emit.rate, Duration.ofSeconds(1));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
    ConsoleProgress progress = new ConsoleProgress(err, ConsoleProgress.stderrIsTerminal(), count);
    GeneratorStats stats;
    try (Writer truth = truthFile == null ? null : truthWriter();
        EventPublisher publisher = publishers.apply(emit)) {
      err.println(
          "generating "
              + Numbers.count(count)
              + " impressions (seed "
              + seed
              + ", drift "
              + drift
              + ") to Kafka "
              + emit.bootstrap
              + ", topics "
              + emit.topicPrefix
              + ".{impressions,clicks}");
      stats =
          generator.run(
              new SyntheticStream(config),
              publisher,
              truth,
              p -> progress.update(p.impressions(), progressLine(p)));
    } catch (PublishException | IOException e) {
      progress.finish();
      err.println("generate failed: " + e.getMessage());
      return 1;
    }
    progress.finish();
    printSummary(out, stats);
    return 0;
  }

  private Writer truthWriter() throws IOException {
    Path parent = truthFile.toAbsolutePath().getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IOException("cannot write the truth file: no directory " + parent);
    }
    return new BufferedWriter(Files.newBufferedWriter(truthFile, StandardCharsets.UTF_8));
  }

  private static String progressLine(GeneratorStats p) {
    return Numbers.count(p.impressions())
        + " impressions, "
        + Numbers.count(p.clicks())
        + " clicks, "
        + Numbers.count(Math.round(p.eventsPerSecond()))
        + " events/s";
  }

  private static void printSummary(PrintWriter out, GeneratorStats stats) {
    out.printf("%-12s %s%n", "impressions", Numbers.count(stats.impressions()));
    out.printf("%-12s %s%n", "clicks", Numbers.count(stats.clicks()));
    out.printf("%-12s %s%n", "elapsed", Numbers.seconds(stats.elapsed()));
    out.printf("%-12s %s%n", "events/s", Numbers.count(Math.round(stats.eventsPerSecond())));
    out.printf("%n%-6s %12s %10s %8s %8s%n", "phase", "impressions", "clicks", "CTR", "p_true");
    for (PhaseStats phase : stats.phases()) {
      out.printf(
          "%-6d %12s %10s %8s %8s%n",
          phase.phase(),
          Numbers.count(phase.impressions()),
          Numbers.count(phase.clicks()),
          Numbers.ratio(phase.ctr()),
          Numbers.ratio(phase.meanPTrue()));
    }
    out.flush();
  }
}
