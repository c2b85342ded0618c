package org.ctrflow.jobs.scoring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.jobs.scoring.ScoringConfig.Strategy;
import org.ctrflow.jobs.submit.JobArguments;
import org.ctrflow.jobs.submit.JobOptions;

/**
 * The scoring job's options, each declared once with type, default and description; {@link
 * ScoringConfig}'s constructor validates the values and says what a valid one looks like.
 */
public final class ScoringOptions {

  private ScoringOptions() {}

  public static final ConfigOption<String> MODELS =
      ConfigOptions.key("models")
          .stringType()
          .defaultValue("finalmlp")
          .withDescription(
              "Models to follow, comma-separated, primary first: the primary's score and version"
                  + " stamp each prediction, the others join the committee; e.g. finalmlp,memnet.");

  public static final ConfigOption<String> MODEL_STORE =
      ConfigOptions.key("model-store")
          .stringType()
          .defaultValue(".ctrflow/models")
          .withDescription(
              "Directory of the model store the trainer writes snapshots to (shared by every"
                  + " task manager).");

  public static final ConfigOption<String> STRATEGY =
      ConfigOptions.key("strategy")
          .stringType()
          .defaultValue("entropy")
          .withDescription(
              "How uncertainty is measured: entropy (of the primary's score), bald (MC-dropout"
                  + " over mc-passes) or committee (disagreement of the followed models).");

  public static final ConfigOption<Integer> MC_PASSES =
      ConfigOptions.key("mc-passes")
          .intType()
          .defaultValue(20)
          .withDescription("Stochastic passes per request for bald, >= 2.");

  public static final ConfigOption<Double> LABELS_PER_MINUTE =
      ConfigOptions.key("labels-per-minute")
          .doubleType()
          .defaultValue(60.0)
          .withDescription("Labeling budget of the whole job, labels per minute of event time.");

  public static final ConfigOption<Duration> DIVERSITY_WINDOW =
      ConfigOptions.key("diversity-window")
          .durationType()
          .defaultValue(Duration.ofMinutes(10))
          .withDescription(
              "How long a queued sample blocks its near duplicates; 0 s turns the guard off.");

  public static final ConfigOption<Long> SEED =
      ConfigOptions.key("seed")
          .longType()
          .defaultValue(42L)
          .withDescription("Seed of the selection coin; each subtask adds its index.");

  public static final ConfigOption<Integer> BATCH_SIZE =
      ConfigOptions.key("batch-size")
          .intType()
          .defaultValue(256)
          .withDescription("Most requests scored in one forward pass per model, 1-65536.");

  public static final ConfigOption<Duration> MAX_BATCH_DELAY =
      ConfigOptions.key("max-batch-delay")
          .durationType()
          .defaultValue(Duration.ofMillis(5))
          .withDescription(
              "Longest a request waits for its batch to fill (processing time), 1 ms to 1 min");

  /** The job's own options. */
  public static List<ConfigOption<?>> options() {
    return List.of(
        MODELS,
        MODEL_STORE,
        STRATEGY,
        MC_PASSES,
        LABELS_PER_MINUTE,
        DIVERSITY_WINDOW,
        SEED,
        BATCH_SIZE,
        MAX_BATCH_DELAY);
  }

  /** Every option the scoring job's {@code main} accepts. */
  public static List<ConfigOption<?>> allOptions() {
    List<ConfigOption<?>> all = new ArrayList<>(JobOptions.common());
    all.addAll(options());
    all.addAll(org.ctrflow.jobs.kafka.EventFormatOptions.options());
    return all;
  }

  /**
   * {@code --key value} arguments as a validated config.
   *
   * @throws IllegalArgumentException naming the option and what a valid value looks like
   */
  public static ScoringConfig parse(String... args) {
    return config(JobArguments.parse(args, allOptions()));
  }

  /**
   * @throws IllegalArgumentException naming the option and what a valid value looks like
   */
  public static ScoringConfig config(Configuration options) {
    String strategy = options.get(STRATEGY);
    Strategy parsed =
        Arrays.stream(Strategy.values())
            .filter(s -> s.label().equals(strategy))
            .findFirst()
            .orElseThrow(
                () ->
                    new IllegalArgumentException(
                        "strategy: must be one of entropy, bald, committee, was " + strategy));
    return new ScoringConfig(
        Arrays.stream(options.get(MODELS).split(",")).map(String::trim).toList(),
        options.get(MODEL_STORE),
        parsed,
        options.get(MC_PASSES),
        options.get(LABELS_PER_MINUTE),
        options.get(DIVERSITY_WINDOW).toMillis(),
        options.get(SEED),
        options.get(BATCH_SIZE),
        options.get(MAX_BATCH_DELAY).toMillis());
  }
}
