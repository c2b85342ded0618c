package org.ctrflow.launcher.demo;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ctrflow.connectors.config.Durations;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.launcher.StateDirOption;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow demo}: the whole loop on embedded defaults, with a live status line and a
 * dashboard. See README.md and {@link DemoRun}.
 */
@Command(
    name = "demo",
    mixinStandardHelpOptions = true,
    description = {
      "Runs the whole pipeline end to end on embedded defaults: Kafka, the label-join, training"
          + " and scoring jobs on Flink, a model server, the labeling queue and a simulated"
          + " labeler, fed by a synthetic stream with drift. Prints the dashboard's URL; Ctrl-C"
          + " (or --duration) stops everything it started."
    })
public final class DemoCommand implements Callable<Integer> {

  /** The synthetic stream's drift in the demo: one step every ~70 s at the default rate. */
  static final String DEMO_DRIFT =
      "20000:flip-segment:category=1,40000:new-items:200,60000:base-rate:0.05";

  @Spec CommandSpec spec;

  @Mixin StateDirOption stateDir;

  @Option(
      names = "--duration",
      paramLabel = "TIME",
      description =
          "Run this long once every part is up, then stop and print a summary, e.g. 90s, 5min, 1h"
              + " (default: until Ctrl-C).")
  String duration;

  @Option(
      names = "--cluster",
      description =
          "Run every part in a JVM of its own, as deployed: the broker, a standalone session"
              + " cluster (JobManager, TaskManager) instead of a MiniCluster, the model server and"
              + " the labeling queue; a part that dies is started again, the JobManager excepted.")
  boolean cluster;

  @Option(
      names = "--dataset",
      defaultValue = "synthetic",
      description = "synthetic, frappe, criteo or avazu (default: ${DEFAULT-VALUE}).")
  String dataset;

  @Option(
      names = "--file",
      description = "The dataset file for --dataset frappe|criteo|avazu or --schema.")
  Path file;

  @Option(
      names = "--schema",
      description =
          "Replay --file as a feature schema JSON file's input section says, and train on that"
              + " schema (ctrflow schema infer writes one), instead of --dataset.")
  Path schemaFile;

  @Option(
      names = "--models",
      split = ",",
      defaultValue = "finalmlp,dnn",
      description =
          "Models to train; the first is served and scores (default: ${DEFAULT-VALUE}; also"
              + " dualmlp, memnet, hybrid).")
  List<String> models;

  @Option(
      names = "--rate",
      defaultValue = "300",
      description = "Impressions (or dataset rows) per second (default: ${DEFAULT-VALUE}).")
  double rate;

  @Option(
      names = "--drift",
      defaultValue = DEMO_DRIFT,
      description = "The synthetic stream's drift script, or 'none' (default: ${DEFAULT-VALUE}).")
  String drift;

  @Option(names = "--seed", defaultValue = "42", description = "Seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--no-auto-label",
      description = "No simulated labeler: label the queue's tasks yourself on the labeler page.")
  boolean noAutoLabel;

  @Option(
      names = "--label-delay",
      defaultValue = "1s",
      paramLabel = "TIME",
      description = "How long the simulated labeler takes per label (default: ${DEFAULT-VALUE}).")
  String labelDelay;

  @Option(
      names = "--dashboard-port",
      defaultValue = "8088",
      description =
          "The dashboard's port, or a free one when it is taken or 0 (default: ${DEFAULT-VALUE}).")
  int dashboardPort;

  @Option(
      names = "--topic-prefix",
      defaultValue = Topic.DEFAULT_PREFIX,
      description = "Prefix of the demo's topics (default: ${DEFAULT-VALUE}).")
  String topicPrefix;

  @Option(
      names = KafkaClientProperties.OPTION,
      paramLabel = "FILE",
      description =
          "Java properties file of extra Kafka client settings for the jobs, the labeling queue"
              + " and the model server, e.g. shorter client timeouts.")
  Path kafkaProperties;

  @Option(
      names = "--faults",
      description =
          "With --cluster: once the loop is warm, freeze the broker (SIGSTOP) for --broker-pause,"
              + " then kill -9 the TaskManager, the labeling queue and the model server in turn,"
              + " each after the loop recovered by itself; then stop feeding, check that every"
              + " acknowledged event, label and request is in its topic exactly once, print the"
              + " counts, write faults.json and end (--duration, if given, caps the run).")
  boolean faults;

  @Option(
      names = "--broker-pause",
      defaultValue = "75s",
      paramLabel = "TIME",
      description =
          "How long --faults freezes the broker; longer than the clients' timeouts (Kafka's"
              + " defaults are 30-60 s) (default: ${DEFAULT-VALUE}).")
  String brokerPause;

  @Override
  public Integer call() throws Exception {
    DemoSettings settings = settings();
    return new DemoRun(settings, spec.commandLine().getOut(), spec.commandLine().getErr()).run();
  }

  DemoSettings settings() {
    try {
      String name = dataset.strip().toLowerCase(Locale.ROOT);
      if (schemaFile != null) {
        if (spec.commandLine().getParseResult().hasMatchedOption("--dataset")) {
          throw new IllegalArgumentException("give --dataset or --schema, not both");
        }
        var schema = org.ctrflow.launcher.models.SchemaSetup.read(schemaFile);
        if (schema.input().isEmpty()) {
          throw new IllegalArgumentException(
              "--schema "
                  + schemaFile
                  + " has no input section, so the demo cannot tell how --file reads; write one"
                  + " with ctrflow schema infer");
        }
        name = "schema";
      }
      boolean synthetic = name.equals("synthetic");
      if (!synthetic && schemaFile == null && !DemoFeeds.DATASETS.contains(name)) {
        throw new IllegalArgumentException(DemoFeeds.unknown(dataset));
      }
      if (synthetic && file != null) {
        throw new IllegalArgumentException(
            "--file goes with --dataset frappe|criteo|avazu or --schema; the synthetic stream"
                + " needs none");
      }
      if (!synthetic && (file == null || !Files.isRegularFile(file))) {
        throw new IllegalArgumentException(
            (schemaFile != null ? "--schema" : "--dataset " + name)
                + " needs --file pointing at the dataset file"
                + (file == null ? "" : "; no such file: " + file.toAbsolutePath()));
      }
      if (!(rate > 0) || Double.isInfinite(rate)) {
        throw new IllegalArgumentException("--rate must be > 0 events per second, e.g. 300");
      }
      if (models.isEmpty() || models.stream().anyMatch(String::isBlank)) {
        throw new IllegalArgumentException("--models needs at least one model, e.g. finalmlp,dnn");
      }
      if (dashboardPort < 0 || dashboardPort > 65_535) {
        throw new IllegalArgumentException("--dashboard-port must be 0..65535, e.g. 8088");
      }
      DriftScript.parse(drift);
      if (faults && !cluster) {
        throw new IllegalArgumentException(
            "--faults needs --cluster: it kills processes, and only there is every part one");
      }
      if (kafkaProperties != null) {
        KafkaClientProperties.load(kafkaProperties);
      }
      return new DemoSettings(
          stateDir.resolve(),
          duration == null ? null : parseDuration("--duration", duration),
          cluster,
          name,
          synthetic ? null : file.toAbsolutePath(),
          models.stream().map(String::strip).toList(),
          rate,
          drift,
          seed,
          !noAutoLabel,
          parseDuration("--label-delay", labelDelay),
          dashboardPort,
          topicPrefix,
          kafkaProperties == null ? null : kafkaProperties.toAbsolutePath(),
          faults,
          parseDuration("--broker-pause", brokerPause),
          schemaFile == null ? null : schemaFile.toAbsolutePath());
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage(), e);
    }
  }

  /**
   * A positive duration in ctrflow's one syntax ({@link Durations}), e.g. {@code 90s}, {@code 5m}.
   */
  static Duration parseDuration(String option, String text) {
    Duration d;
    try {
      d = Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(option + ": " + e.getMessage(), e);
    }
    return positive(option, d, text);
  }

  private static Duration positive(String option, Duration d, String text) {
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(option + ": must be positive, e.g. 90s; was " + text);
    }
    return d;
  }
}
