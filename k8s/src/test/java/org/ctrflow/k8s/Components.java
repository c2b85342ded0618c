package org.ctrflow.k8s;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.ctrflow.jobs.join.LabelJoinJob;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.scoring.ScoringJob;
import org.ctrflow.jobs.scoring.ScoringOptions;
import org.ctrflow.jobs.training.TrainingJob;
import org.ctrflow.jobs.training.TrainingJobOptions;
import org.ctrflow.labelqueue.LabelQueueMain;
import org.ctrflow.labelqueue.http.ApiServer;
import org.ctrflow.serving.InferenceServer;
import org.ctrflow.serving.ServeCommand;
import org.ctrflow.serving.ServingConfig;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;

/**
 * What each runnable component serves and accepts, as the manifests must use it, read from the
 * components' own declarations: option names from their picocli command specs ({@code ctrflow
 * serve}, the labeling queue's {@code serve}) and Flink {@code ConfigOption} keys (jobs), ports and
 * health paths from the server classes, so that renaming one there fails these tests.
 *
 * @param name the component, as in the KafkaUser name {@code ctrflow-<name>}
 * @param httpPort the port its HTTP server (or Flink's Prometheus reporter) listens on
 * @param livePath liveness path, or null where Kubernetes probes are the operator's business
 * @param readyPath readiness path, or null as above
 * @param options every command-line word the component declares that a manifest may set
 * @param reads topic suffixes it consumes (docs/concepts/architecture.md, data flow)
 * @param writes topic suffixes it produces
 */
record Components(
    String name,
    int httpPort,
    String livePath,
    String readyPath,
    Set<String> options,
    Set<String> reads,
    Set<String> writes) {

  /** The labeling queue's service subcommand (a rename makes the lookup below fail). */
  static final String QUEUE_SERVE = "serve";

  /** Flink's Prometheus reporter port (flinkConfiguration metrics.reporter.prom.port). */
  static final int FLINK_METRICS_PORT = 9249;

  static final Components LABEL_JOIN =
      new Components(
          "label-join",
          FLINK_METRICS_PORT,
          null,
          null,
          keys(LabelJoinOptions.allOptions().stream().map(ConfigOption::key)),
          Set.of("impressions", "clicks", "human-labels"),
          Set.of("labeled-examples", "dead-letter"));

  static final Components TRAINING =
      new Components(
          "training",
          FLINK_METRICS_PORT,
          null,
          null,
          keys(TrainingJobOptions.ALL.stream().map(ConfigOption::key)),
          Set.of("labeled-examples"),
          Set.of("model-updates", "metrics", "dead-letter"));

  static final Components SCORING =
      new Components(
          "scoring",
          FLINK_METRICS_PORT,
          null,
          null,
          keys(ScoringOptions.allOptions().stream().map(ConfigOption::key)),
          Set.of("score-requests", "model-updates"),
          Set.of("predictions", "label-requests", "dead-letter"));

  /** {@code ctrflow serve} (image main class ServeMain): KServe v2 health paths. */
  static final Components MODEL_SERVER =
      new Components(
          "model-server",
          ServingConfig.PORT.defaultValue(),
          InferenceServer.LIVE_PATH,
          InferenceServer.READY_PATH,
          optionNames(new CommandLine(new ServeCommand()).getCommandSpec()),
          Set.of("model-updates"),
          Set.of("metrics"));

  /** The labeling queue image runs LabelQueueMain: its {@code serve} subcommand and options. */
  static final Components LABEL_QUEUE =
      new Components(
          "label-queue",
          ApiServer.DEFAULT_PORT,
          ApiServer.LIVE_PATH,
          ApiServer.READY_PATH,
          union(
              Set.of(QUEUE_SERVE),
              optionNames(
                  LabelQueueMain.commandLine().getSubcommands().get(QUEUE_SERVE).getCommandSpec())),
          Set.of("label-requests"),
          Set.of("human-labels"));

  static final Components INGEST =
      new Components(
          "ingest",
          0,
          null,
          null,
          Set.of(),
          Set.of("predictions"),
          Set.of("impressions", "clicks", "score-requests"));

  static final List<Components> FLINK_JOBS = List.of(LABEL_JOIN, TRAINING, SCORING);
  static final List<Components> ALL =
      List.of(LABEL_JOIN, TRAINING, SCORING, MODEL_SERVER, LABEL_QUEUE, INGEST);

  /** Flink job classes, from the classes themselves. */
  static String entryClass(Components job) {
    return switch (job.name()) {
      case "label-join" -> LabelJoinJob.class.getName();
      case "training" -> TrainingJob.class.getName();
      case "scoring" -> ScoringJob.class.getName();
      default -> throw new IllegalArgumentException(job.name() + " is not a Flink job");
    };
  }

  String resourceName() {
    return "ctrflow-" + name;
  }

  private static Set<String> keys(Stream<String> keys) {
    return keys.map(k -> "--" + k).collect(Collectors.toUnmodifiableSet());
  }

  private static Set<String> optionNames(CommandSpec spec) {
    return Set.copyOf(spec.optionsMap().keySet());
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
