package org.ctrflow.connectors.topics;

import java.time.Duration;
import java.util.Map;

/**
 * Every topic ctrflow reads or writes, declared once with its partitions, cleanup policy, retention
 * and size limit. Topic names are {@code <prefix>.<suffix>}, so several pipelines (or tests) can
 * share one cluster.
 */
public enum Topic {
  /** {@code Impression} events: what was shown, with its features. Keyed by impression id. */
  IMPRESSIONS("impressions", 4, Duration.ofDays(7), false),
  /** {@code Click} events. Keyed by impression id so they land beside their impression. */
  CLICKS("clicks", 4, Duration.ofDays(7), false),
  /** {@code LabeledExample}s from the label join, human labels and replay. */
  LABELED_EXAMPLES("labeled-examples", 4, Duration.ofDays(7), false),
  /** {@code ScoreRequest}s from production traffic. */
  SCORE_REQUESTS("score-requests", 4, Duration.ofDays(1), false),
  /** {@code Prediction}s, each stamped with model name and version. */
  PREDICTIONS("predictions", 4, Duration.ofDays(3), false),
  /** {@code LabelRequest}s: uncertain samples routed to the labeling queue. */
  LABEL_REQUESTS("label-requests", 2, Duration.ofDays(14), false),
  /** {@code HumanLabel}s published by the labeling queue, exactly once per task. */
  HUMAN_LABELS("human-labels", 2, Duration.ofDays(30), false),
  /**
   * {@code ModelUpdate} announcements and deltas, keyed by model name. Compacted so a new server
   * finds the latest announcement of every model without reading history.
   */
  MODEL_UPDATES("model-updates", 1, Duration.ofDays(7), true),
  /** {@code DeadLetter} envelopes: malformed input with the reason it was rejected. */
  DEAD_LETTER("dead-letter", 1, Duration.ofDays(30), false, 2 * Topic.MAX_MESSAGE_BYTES),
  /** Training and serving metrics, read by the demo dashboard. */
  METRICS("metrics", 1, Duration.ofDays(1), false);

  /**
   * Largest record on every topic but the dead-letter one: 1 MiB. Model deltas above it travel in
   * chunks. The dead-letter topic takes twice as much, so that any record that fit its own topic
   * still fits, base64-encoded, in its envelope.
   */
  public static final int MAX_MESSAGE_BYTES = 1 << 20;

  /** The prefix used when none is given. */
  public static final String DEFAULT_PREFIX = "ctrflow";

  private final String suffix;
  private final int partitions;
  private final Duration retention;
  private final boolean compacted;
  private final int maxMessageBytes;

  Topic(String suffix, int partitions, Duration retention, boolean compacted) {
    this(suffix, partitions, retention, compacted, MAX_MESSAGE_BYTES);
  }

  Topic(String suffix, int partitions, Duration retention, boolean compacted, int maxMessageBytes) {
    this.suffix = suffix;
    this.partitions = partitions;
    this.retention = retention;
    this.compacted = compacted;
    this.maxMessageBytes = maxMessageBytes;
  }

  /**
   * The largest record this topic accepts; producers writing to it need a max.request.size as
   * large.
   */
  public int maxMessageBytes() {
    return maxMessageBytes;
  }

  /** The last part of the topic name, e.g. {@code impressions}. */
  public String suffix() {
    return suffix;
  }

  /** The full topic name under a prefix, e.g. {@code ctrflow.impressions}. */
  public String name(String prefix) {
    return validPrefix(prefix) + "." + suffix;
  }

  /** How this topic is created under a prefix. */
  public TopicSpec spec(String prefix) {
    return new TopicSpec(
        name(prefix),
        partitions,
        Map.of(
            "cleanup.policy", compacted ? "compact" : "delete",
            "retention.ms", Long.toString(retention.toMillis()),
            "max.message.bytes", Integer.toString(maxMessageBytes)));
  }

  /** Every topic's spec under a prefix, in declaration order. */
  public static java.util.List<TopicSpec> specs(String prefix) {
    return java.util.Arrays.stream(values()).map(t -> t.spec(prefix)).toList();
  }

  private static String validPrefix(String prefix) {
    if (prefix == null || !prefix.matches("[A-Za-z0-9_-]+(\\.[A-Za-z0-9_-]+)*")) {
      throw new IllegalArgumentException(
          "topic prefix must be letters, digits, '_' or '-' in dot-separated parts, e.g."
              + " 'ctrflow' or 'team.ctr'; was '"
              + prefix
              + "'");
    }
    return prefix;
  }
}
