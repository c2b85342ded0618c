package org.ctrflow.jobs.join;

import java.io.Serializable;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.connectors.config.Durations;
import org.ctrflow.jobs.submit.JobOptions;

/**
 * The label join's options, each declared once with its default and description; {@link #settings}
 * validates them together. Keys are the job's command-line options ({@code --attribution-window
 * 30min}); durations take Flink's syntax ({@code 500ms}, {@code 30s}, {@code 15min}, {@code 1h}).
 */
public final class LabelJoinOptions {

  private LabelJoinOptions() {}

  public static final ConfigOption<Duration> ATTRIBUTION_WINDOW =
      ConfigOptions.key("attribution-window")
          .durationType()
          .defaultValue(Duration.ofMinutes(15))
          .withDescription(
              "A click at most this long after its impression (event time) labels it 1; when the"
                  + " window closes without one, the impression is labeled 0.");

  public static final ConfigOption<Duration> MAX_OUT_OF_ORDERNESS =
      ConfigOptions.key("max-out-of-orderness")
          .durationType()
          .defaultValue(Duration.ofSeconds(5))
          .withDescription(
              "How far behind the newest event time an event may arrive and still count as on"
                  + " time (bounded out-of-orderness watermarks). A click arriving after its"
                  + " impression's window closed is a late click.");

  public static final ConfigOption<Duration> IDLE_TIMEOUT =
      ConfigOptions.key("idle-timeout")
          .durationType()
          .defaultValue(Duration.ofSeconds(30))
          .withDescription(
              "A source partition without events for this long stops holding back the watermark,"
                  + " so a quiet clicks partition does not stall every window. Keep it well above"
                  + " the longest gap in reading a partition while the job catches up on a"
                  + " backlog: a partition taken for idle lets the watermark pass events it has"
                  + " not read yet, and their clicks become orphans.");

  public static final ConfigOption<Duration> STATE_TTL =
      ConfigOptions.key("state-ttl")
          .durationType()
          .defaultValue(Duration.ofHours(24))
          .withDescription(
              "How long (processing time) the join remembers an impression id after its last"
                  + " update: duplicates and late clicks are recognised within it. Must exceed"
                  + " attribution-window + max-out-of-orderness, or pending impressions would"
                  + " expire before their window closes.");

  public static final ConfigOption<Boolean> HOLD_POSITIVES =
      ConfigOptions.key("hold-positives")
          .booleanType()
          .defaultValue(false)
          .withDescription(
              "Emit a clicked impression's positive example when its attribution window closes,"
                  + " as negatives are, instead of at the click: examples then leave in event-time"
                  + " order, at the cost of delaying every positive by up to the window. Without"
                  + " it, positives run up to a window ahead of the negatives of the same moment,"
                  + " so a trainer starting cold or catching up on a backlog first sees a stretch"
                  + " of positives only.");

  /** The join's own options, without the common ones of {@link JobOptions}. */
  public static List<ConfigOption<?>> options() {
    return List.of(
        ATTRIBUTION_WINDOW, MAX_OUT_OF_ORDERNESS, IDLE_TIMEOUT, STATE_TTL, HOLD_POSITIVES);
  }

  /** Every option the label-join job's {@code main} accepts. */
  public static List<ConfigOption<?>> allOptions() {
    List<ConfigOption<?>> all = new ArrayList<>(JobOptions.common());
    all.addAll(options());
    all.addAll(org.ctrflow.jobs.kafka.EventFormatOptions.options());
    return all;
  }

  /**
   * The validated settings the join's functions carry.
   *
   * @param attributionWindow see {@link #ATTRIBUTION_WINDOW}
   * @param maxOutOfOrderness see {@link #MAX_OUT_OF_ORDERNESS}
   * @param idleTimeout see {@link #IDLE_TIMEOUT}
   * @param stateTtl see {@link #STATE_TTL}
   * @param holdPositives see {@link #HOLD_POSITIVES}
   * @param topicPrefix the topics' prefix; dead letters name the topic a click came from
   */
  public record Settings(
      Duration attributionWindow,
      Duration maxOutOfOrderness,
      Duration idleTimeout,
      Duration stateTtl,
      boolean holdPositives,
      String topicPrefix)
      implements Serializable {

    private static final long serialVersionUID = 1L;

    public Settings {
      requirePositive(ATTRIBUTION_WINDOW, attributionWindow, "15min");
      if (maxOutOfOrderness.isNegative()) {
        throw new IllegalArgumentException(
            "--"
                + MAX_OUT_OF_ORDERNESS.key()
                + ": must be >= 0, e.g. 5s; was "
                + Durations.format(maxOutOfOrderness));
      }
      requirePositive(IDLE_TIMEOUT, idleTimeout, "30s");
      Duration floor = attributionWindow.plus(maxOutOfOrderness);
      if (stateTtl.compareTo(floor) <= 0) {
        throw new IllegalArgumentException(
            "--"
                + STATE_TTL.key()
                + ": must exceed attribution-window + max-out-of-orderness ("
                + Durations.format(floor)
                + "), e.g. "
                + Durations.format(floor.multipliedBy(4))
                + "; was "
                + Durations.format(stateTtl));
      }
    }

    /** Settings with the other options at their defaults; for tests and embedding. */
    public static Settings of(Duration attributionWindow, Duration maxOutOfOrderness) {
      Configuration config = new Configuration();
      config.set(ATTRIBUTION_WINDOW, attributionWindow);
      config.set(MAX_OUT_OF_ORDERNESS, maxOutOfOrderness);
      return settings(config);
    }

    /** The same settings with another state TTL. */
    public Settings withStateTtl(Duration ttl) {
      return new Settings(
          attributionWindow, maxOutOfOrderness, idleTimeout, ttl, holdPositives, topicPrefix);
    }

    /** The same settings with another idle timeout. */
    public Settings withIdleTimeout(Duration timeout) {
      return new Settings(
          attributionWindow, maxOutOfOrderness, timeout, stateTtl, holdPositives, topicPrefix);
    }

    /** The same settings under another topic prefix. */
    public Settings withTopicPrefix(String prefix) {
      return new Settings(
          attributionWindow, maxOutOfOrderness, idleTimeout, stateTtl, holdPositives, prefix);
    }

    /** The same settings, holding positives until their window closes or not. */
    public Settings withHoldPositives(boolean hold) {
      return new Settings(
          attributionWindow, maxOutOfOrderness, idleTimeout, stateTtl, hold, topicPrefix);
    }

    private static void requirePositive(ConfigOption<Duration> option, Duration value, String e) {
      if (value.isZero() || value.isNegative()) {
        throw new IllegalArgumentException(
            "--"
                + option.key()
                + ": must be positive, e.g. "
                + e
                + "; was "
                + Durations.format(value));
      }
    }
  }

  /**
   * Reads and validates the join's settings.
   *
   * @throws IllegalArgumentException naming the option and what a valid value looks like
   */
  public static Settings settings(Configuration config) {
    return new Settings(
        config.get(ATTRIBUTION_WINDOW),
        config.get(MAX_OUT_OF_ORDERNESS),
        config.get(IDLE_TIMEOUT),
        config.get(STATE_TTL),
        config.get(HOLD_POSITIVES),
        JobOptions.topicPrefix(config));
  }
}
