package org.ctrflow.jobs.submit;

import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.connectors.topics.Topic;

/**
 * The options every ctrflow job's {@code main} takes, declared once (see {@link JobArguments}).
 * Jobs add their own.
 */
public final class JobOptions {

  private JobOptions() {}

  public static final ConfigOption<String> BOOTSTRAP_SERVERS =
      ConfigOptions.key("bootstrap-servers")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Kafka bootstrap servers, host:port[,host:port...], e.g. 127.0.0.1:9092.");

  public static final ConfigOption<String> TOPIC_PREFIX =
      ConfigOptions.key("topic-prefix")
          .stringType()
          .defaultValue(Topic.DEFAULT_PREFIX)
          .withDescription("Prefix of every topic name: <prefix>.impressions and so on.");

  public static final ConfigOption<Duration> CHECKPOINT_INTERVAL =
      ConfigOptions.key("checkpoint-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "How often the job checkpoints; exactly-once Kafka output becomes visible to"
                  + " read_committed consumers at this cadence.");

  /** The options above, for {@link JobArguments#parse}. */
  public static List<ConfigOption<?>> common() {
    return List.of(BOOTSTRAP_SERVERS, TOPIC_PREFIX, CHECKPOINT_INTERVAL);
  }

  /**
   * The validated topic prefix.
   *
   * @throws IllegalArgumentException naming the option and the allowed characters
   */
  public static String topicPrefix(Configuration config) {
    String prefix = config.get(TOPIC_PREFIX);
    try {
      Topic.IMPRESSIONS.name(prefix);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--" + TOPIC_PREFIX.key() + ": " + e.getMessage(), e);
    }
    return prefix;
  }

  /**
   * The validated checkpoint interval.
   *
   * @throws IllegalArgumentException when not positive
   */
  public static Duration checkpointInterval(Configuration config) {
    Duration interval = config.get(CHECKPOINT_INTERVAL);
    if (interval.isZero() || interval.isNegative()) {
      throw new IllegalArgumentException(
          "--" + CHECKPOINT_INTERVAL.key() + ": must be positive, e.g. 10s; was " + interval);
    }
    return interval;
  }
}
