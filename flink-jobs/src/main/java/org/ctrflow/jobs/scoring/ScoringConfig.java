package org.ctrflow.jobs.scoring;

import java.io.Serializable;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.ctrflow.connectors.config.Durations;

/**
 * What the scoring job scores with and how it chooses samples for labeling, validated. The options
 * that set it are declared in {@link ScoringOptions}.
 *
 * @param models models to follow, primary first: the primary's score and version stamp each
 *     prediction; the others join the committee
 * @param modelStore directory of the model store the trainer writes snapshots to (shared by all
 *     task managers)
 * @param strategy how uncertainty is measured
 * @param mcPasses stochastic passes per request for {@link Strategy#BALD}
 * @param labelsPerMinute labeling budget of the whole job, labels per minute of event time
 * @param diversityWindowMillis how long a queued sample blocks its near duplicates; 0 disables
 * @param seed seed of the selection coin; each subtask adds its index
 * @param batchSize most requests an instance scores in one forward pass per model
 * @param maxBatchDelayMillis longest a request waits for its batch to fill, processing time
 */
public record ScoringConfig(
    List<String> models,
    String modelStore,
    Strategy strategy,
    int mcPasses,
    double labelsPerMinute,
    long diversityWindowMillis,
    long seed,
    int batchSize,
    long maxBatchDelayMillis)
    implements Serializable {

  /** {@link ScoringOptions#BATCH_SIZE}'s default. */
  public static final int DEFAULT_BATCH_SIZE = ScoringOptions.BATCH_SIZE.defaultValue();

  /** {@link ScoringOptions#MAX_BATCH_DELAY}'s default. */
  public static final long DEFAULT_MAX_BATCH_DELAY_MILLIS =
      ScoringOptions.MAX_BATCH_DELAY.defaultValue().toMillis();

  private static final int MAX_BATCH_SIZE = 65_536;
  private static final long MAX_BATCH_DELAY_MILLIS = 60_000;

  /** How the job measures uncertainty; the name is written into each {@code LabelRequest}. */
  public enum Strategy {
    /** Binary entropy of the primary model's score (ranks like least confidence and margin). */
    ENTROPY,
    /** MC-dropout BALD of the primary model over {@code mc-passes} stochastic passes. */
    BALD,
    /** Disagreement (mutual information) of all followed models' scores. */
    COMMITTEE;

    public String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * A config with the default batching ({@link ScoringOptions#BATCH_SIZE}, {@link
   * ScoringOptions#MAX_BATCH_DELAY}).
   */
  public ScoringConfig(
      List<String> models,
      String modelStore,
      Strategy strategy,
      int mcPasses,
      double labelsPerMinute,
      long diversityWindowMillis,
      long seed) {
    this(
        models,
        modelStore,
        strategy,
        mcPasses,
        labelsPerMinute,
        diversityWindowMillis,
        seed,
        DEFAULT_BATCH_SIZE,
        DEFAULT_MAX_BATCH_DELAY_MILLIS);
  }

  public ScoringConfig {
    if (models == null || models.isEmpty() || models.stream().anyMatch(String::isBlank)) {
      throw new IllegalArgumentException(
          "models: need at least one model name, such as finalmlp or finalmlp,memnet, was "
              + models);
    }
    models = List.copyOf(models);
    if (modelStore == null || modelStore.isBlank()) {
      throw new IllegalArgumentException("model-store: must be a directory, such as /data/models");
    }
    if (strategy == null) {
      throw new IllegalArgumentException("strategy: must be one of entropy, bald, committee");
    }
    if (strategy == Strategy.BALD && mcPasses < 2) {
      throw new IllegalArgumentException(
          "mc-passes: bald needs at least 2 passes, such as 20, was " + mcPasses);
    }
    if (strategy == Strategy.COMMITTEE && models.size() < 2) {
      throw new IllegalArgumentException(
          "models: committee needs at least two models, such as finalmlp,memnet, was " + models);
    }
    if (!(labelsPerMinute > 0 && Double.isFinite(labelsPerMinute))) {
      throw new IllegalArgumentException(
          "labels-per-minute: must be a number > 0, such as 60, was " + labelsPerMinute);
    }
    if (diversityWindowMillis < 0) {
      throw new IllegalArgumentException(
          "diversity-window: must be >= 0 s (0 s = off), such as 10 min, was "
              + Durations.format(Duration.ofMillis(diversityWindowMillis)));
    }
    // Bounds keep a batch's tensors small and a request's wait far below a checkpoint interval.
    requireBetween(ScoringOptions.BATCH_SIZE.key(), batchSize, MAX_BATCH_SIZE, 256);
    if (maxBatchDelayMillis < 1 || maxBatchDelayMillis > MAX_BATCH_DELAY_MILLIS) {
      throw new IllegalArgumentException(
          ScoringOptions.MAX_BATCH_DELAY.key()
              + ": must be between 1 ms and 1 min, such as 5 ms, was "
              + Durations.format(Duration.ofMillis(maxBatchDelayMillis)));
    }
  }

  private static void requireBetween(String key, long value, long max, long example) {
    if (value < 1 || value > max) {
      throw new IllegalArgumentException(
          key + ": must be between 1 and " + max + ", such as " + example + ", was " + value);
    }
  }

  /** A copy with other batching, e.g. for a benchmark. */
  public ScoringConfig withBatching(int batchSize, long maxBatchDelayMillis) {
    return new ScoringConfig(
        models,
        modelStore,
        strategy,
        mcPasses,
        labelsPerMinute,
        diversityWindowMillis,
        seed,
        batchSize,
        maxBatchDelayMillis);
  }

  /** The primary model: its score and version stamp every prediction. */
  public String primary() {
    return models.get(0);
  }
}
