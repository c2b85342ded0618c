package org.ctrflow.k8s;

import java.util.List;
import java.util.Set;

/**
 * What each runnable component serves and accepts, as the manifests must use it. The values come
 * from docs/notes CONTRACTS.md where it fixes them; the rest (marked PROPOSED) are what these
 * manifests need from components still being written on other branches. Once those land, each
 * constant here is to be replaced by a reference to the component's own declaration (see the k8s
 * report: the serve / label-queue command classes' picocli options and port defaults, the jobs'
 * option names), so that renaming an option there fails these tests.
 *
 * @param name the component, as in the KafkaUser name {@code ctrflow-<name>}
 * @param httpPort the port its HTTP server (or Flink's Prometheus reporter) listens on
 * @param livePath liveness path, or null where Kubernetes probes are the operator's business
 * @param readyPath readiness path, or null as above
 * @param options every command-line option the component declares that a manifest may set
 * @param reads topic suffixes it consumes (docs/architecture.md, data flow)
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

  /** Options every component takes: CONTRACTS.md fixes the first two for jobs and services. */
  private static final Set<String> COMMON =
      Set.of(
          "--bootstrap-servers",
          "--topic-prefix",
          // PROPOSED: a Kafka client properties file (TLS client certificate of the KafkaUser).
          "--kafka-properties");

  /** Flink's Prometheus reporter port (flinkConfiguration metrics.reporter.prom.port). */
  static final int FLINK_METRICS_PORT = 9249;

  static final Components LABEL_JOIN =
      new Components(
          "label-join",
          FLINK_METRICS_PORT,
          null,
          null,
          COMMON,
          Set.of("impressions", "clicks", "human-labels"),
          Set.of("labeled-examples", "dead-letter"));

  static final Components TRAINING =
      new Components(
          "training",
          FLINK_METRICS_PORT,
          null,
          null,
          union(COMMON, Set.of("--model-store")), // PROPOSED: where snapshots are written
          Set.of("labeled-examples"),
          Set.of("model-updates", "metrics", "dead-letter"));

  static final Components SCORING =
      new Components(
          "scoring",
          FLINK_METRICS_PORT,
          null,
          null,
          union(COMMON, Set.of("--model-store")), // PROPOSED: where announced snapshots are read
          Set.of("score-requests", "model-updates"),
          Set.of("predictions", "label-requests", "dead-letter"));

  /** {@code ctrflow serve}: port 8080, KServe v2 health paths (CONTRACTS.md, issue 7). */
  static final Components MODEL_SERVER =
      new Components(
          "model-server",
          8080,
          "/v2/health/live",
          "/v2/health/ready",
          union(COMMON, Set.of("serve", "--model-store", "--device", "--set")),
          Set.of("model-updates"),
          Set.of("metrics"));

  /** {@code ctrflow label-queue}: port 8090; paths and options as on branch wt-queue. */
  static final Components LABEL_QUEUE =
      new Components(
          "label-queue",
          8090,
          "/health",
          "/ready",
          union(
              COMMON,
              Set.of(
                  "--host",
                  "--data-dir",
                  "--group-id",
                  "--transactional-id",
                  "--tokens-file",
                  "--inbound-secret-file")),
          Set.of("label-requests"),
          Set.of("human-labels"));

  /** Producers outside the pipeline (replay, your services): events in, predictions out. */
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

  /** Flink job classes, CONTRACTS.md ("Flink job classes"). */
  static String entryClass(Components job) {
    return switch (job.name()) {
      case "label-join" -> "org.ctrflow.jobs.join.LabelJoinJob";
      case "training" -> "org.ctrflow.jobs.training.TrainingJob";
      case "scoring" -> "org.ctrflow.jobs.scoring.ScoringJob";
      default -> throw new IllegalArgumentException(job.name() + " is not a Flink job");
    };
  }

  String resourceName() {
    return "ctrflow-" + name;
  }

  private static Set<String> union(Set<String> a, Set<String> b) {
    java.util.Set<String> all = new java.util.TreeSet<>(a);
    all.addAll(b);
    return Set.copyOf(all);
  }
}
