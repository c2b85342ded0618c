package org.ctrflow.launcher.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.connectors.kafka.KafkaClientProperties;

/**
 * The three Flink jobs of the loop and the arguments the demo gives them: short windows and
 * checkpoint intervals, so that labels, model versions and committed offsets show up within seconds
 * instead of the production defaults' minutes.
 */
final class DemoJobs {

  static final String JOIN = "org.ctrflow.jobs.join.LabelJoinJob";
  static final String TRAINING = "org.ctrflow.jobs.training.TrainingJob";
  static final String SCORING = "org.ctrflow.jobs.scoring.ScoringJob";

  /** Exactly-once outputs become visible at each checkpoint: keep them frequent. */
  static final Duration CHECKPOINT_INTERVAL = Duration.ofSeconds(3);

  /** The component names the dashboard lists them by, and the job names' prefixes. */
  record Job(String component, String jobNamePrefix, String mainClass, List<String> args) {}

  private DemoJobs() {}

  static List<Job> all(
      DemoSettings s, String bootstrap, Path modelStore, DemoModels.JobFiles files) {
    String interval = CHECKPOINT_INTERVAL.toSeconds() + "s";
    String models = String.join(",", s.models());
    List<String> common =
        new java.util.ArrayList<>(
            List.of("--bootstrap-servers", bootstrap, "--topic-prefix", s.topicPrefix()));
    if (s.kafkaProperties() != null) {
      common.addAll(List.of(KafkaClientProperties.OPTION, s.kafkaProperties().toString()));
    }
    return List.of(
        new Job(
            "label-join job",
            "ctrflow label-join",
            JOIN,
            concat(
                common,
                // Clicks come 0.5-3 s after their impressions (DemoFeeds.clickDelay).
                "--attribution-window",
                "12s",
                "--max-out-of-orderness",
                "2s",
                // Held positives keep the examples in event-time order, from the first window
                // on and after a restart; the idle timeout is long enough that no partition is
                // taken for idle while the join catches up on a backlog. When the demo fed its
                // stream before starting Flink, positives sent at the click made the first model
                // version train on positives only, and a 5 s timeout turned 485-637 clicks into
                // orphans (docs/concepts/jobs.md, "Catching up on a backlog").
                "--hold-positives",
                "true",
                "--idle-timeout",
                "30s",
                "--state-ttl",
                "10min",
                "--checkpoint-interval",
                interval)),
        new Job(
            "training job",
            "ctrflow training",
            TRAINING,
            concat(
                common,
                "--models",
                models,
                "--schema",
                files.schema().toString(),
                "--model-config",
                files.modelConfig().toString(),
                "--trainer-config",
                files.trainerConfig().toString(),
                "--model-store",
                modelStore.toString(),
                "--publish-interval",
                "5s",
                "--publish-every-examples",
                "5000",
                "--checkpoint-interval",
                interval)),
        new Job(
            "scoring job",
            "ctrflow scoring",
            SCORING,
            concat(
                common,
                "--models",
                models,
                "--model-store",
                modelStore.toString(),
                "--labels-per-minute",
                "240",
                "--diversity-window",
                "0s")));
  }

  /** Settings every job gets from its environment (the scoring job reads its interval there). */
  static Configuration environment() {
    Configuration c = new Configuration();
    c.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, CHECKPOINT_INTERVAL);
    return c;
  }

  private static List<String> concat(List<String> head, String... tail) {
    List<String> all = new java.util.ArrayList<>(head);
    all.addAll(List.of(tail));
    return all;
  }
}
