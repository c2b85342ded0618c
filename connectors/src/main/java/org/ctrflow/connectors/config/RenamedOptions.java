package org.ctrflow.connectors.config;

import java.util.Map;
import java.util.Optional;

/**
 * Options and settings whose names carried a unit ({@code --interval-ms}) and now take a {@link
 * Durations duration} under a name without one ({@code --interval 500ms}). The old names are
 * refused with a message that shows the new form, with the value converted when one was given.
 */
public final class RenamedOptions {

  private record Renamed(String name, String unit) {}

  private static final Map<String, Renamed> RENAMED =
      Map.ofEntries(
          Map.entry("interval-ms", new Renamed("interval", "ms")),
          Map.entry("click-delay-ms", new Renamed("click-delay", "ms")),
          Map.entry("checkpoint-interval-ms", new Renamed("checkpoint-interval", "ms")),
          Map.entry("scoring-max-batch-delay-ms", new Renamed("scoring-max-batch-delay", "ms")),
          Map.entry("stall-timeout-s", new Renamed("stall-timeout", "s")),
          Map.entry("progress-seconds", new Renamed("progress-every", "s")),
          Map.entry("warmup-seconds", new Renamed("warmup", "s")),
          Map.entry("seconds", new Renamed("duration", "s")),
          Map.entry("diversity-window-ms", new Renamed("diversity-window", "ms")),
          Map.entry("max-batch-delay-ms", new Renamed("max-batch-delay", "ms")),
          Map.entry("refresh-poll-ms", new Renamed("refresh-poll", "ms")),
          Map.entry("worker-restart-backoff-ms", new Renamed("worker-restart-backoff", "ms")),
          Map.entry("max-queue-delay-us", new Renamed("max-queue-delay", "µs")),
          Map.entry("retry-after-s", new Renamed("retry-after", "s")));

  private RenamedOptions() {}

  /**
   * The message for an old name, e.g. "--interval-ms was replaced by --interval; write --interval
   * 500ms"; empty for any other name.
   *
   * @param given the name as written, with or without a leading {@code --}
   * @param value the value given with it, or null
   */
  public static Optional<String> replacement(String given, String value) {
    boolean option = given.startsWith("--");
    Renamed renamed = RENAMED.get(option ? given.substring(2) : given);
    if (renamed == null) {
      return Optional.empty();
    }
    String now = (option ? "--" : "") + renamed.name();
    String example = example(value, renamed.unit());
    return Optional.of(
        given + " was replaced by " + now + "; write " + now + (option ? " " : "=") + example);
  }

  /**
   * Fails on the first old option name among command-line arguments ({@code --name value} or {@code
   * --name=value}).
   *
   * @throws IllegalArgumentException with the {@link #replacement} message
   */
  public static void check(String[] args) {
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (!arg.startsWith("--")) {
        continue;
      }
      int eq = arg.indexOf('=');
      String name = eq < 0 ? arg : arg.substring(0, eq);
      String value = eq >= 0 ? arg.substring(eq + 1) : i + 1 < args.length ? args[i + 1] : null;
      Optional<String> message = replacement(name, value);
      if (message.isPresent()) {
        throw new IllegalArgumentException(message.get());
      }
    }
  }

  /** The old value with its unit, e.g. 500 -> 500ms, or 1000-30000 -> 1000ms-30000ms. */
  private static String example(String value, String unit) {
    if (value != null && value.matches("\\d+")) {
      return value + unit;
    }
    if (value != null && value.matches("\\d+-\\d+")) {
      String[] range = value.split("-");
      return range[0] + unit + "-" + range[1] + unit;
    }
    return "500" + unit;
  }
}
