package org.ctrflow.connectors.config;

import java.math.BigInteger;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The one duration syntax of every ctrflow setting and option: Flink's ({@code
 * org.apache.flink.util.TimeUtils}), a whole number and a unit, e.g. {@code 500 ms}, {@code 90s},
 * {@code 5 min}, {@code 1 h}, {@code 7 d}. The units and their spellings are Flink's, so a value
 * written for a Flink option means the same here. Flink also reads an ISO-8601 text ({@code PT5M})
 * and a bare number (as milliseconds); both are refused here, with a message that shows the same
 * duration in the accepted form, so that a duration never hides its unit.
 */
public final class Durations {

  /** Unit label to unit, in Flink's order and spellings (a plural adds an "s"). */
  private static final Map<String, ChronoUnit> UNITS = new LinkedHashMap<>();

  /** The short label of each unit, largest first, for formatting. */
  private static final List<Map.Entry<ChronoUnit, String>> SHORT =
      List.of(
          Map.entry(ChronoUnit.DAYS, "d"),
          Map.entry(ChronoUnit.HOURS, "h"),
          Map.entry(ChronoUnit.MINUTES, "min"),
          Map.entry(ChronoUnit.SECONDS, "s"),
          Map.entry(ChronoUnit.MILLIS, "ms"),
          Map.entry(ChronoUnit.MICROS, "µs"),
          Map.entry(ChronoUnit.NANOS, "ns"));

  static {
    units(ChronoUnit.DAYS, "d", "day", "days");
    units(ChronoUnit.HOURS, "h", "hour", "hours");
    units(ChronoUnit.MINUTES, "min", "m", "minute", "minutes");
    units(ChronoUnit.SECONDS, "s", "sec", "secs", "second", "seconds");
    units(ChronoUnit.MILLIS, "ms", "milli", "millis", "millisecond", "milliseconds");
    units(ChronoUnit.MICROS, "µs", "micro", "micros", "microsecond", "microseconds");
    units(ChronoUnit.NANOS, "ns", "nano", "nanos", "nanosecond", "nanoseconds");
  }

  /** What the syntax looks like, for messages and docs. */
  public static final String SYNTAX = "a number and a unit (ms, s, min, h, d), e.g. 500ms or 5 min";

  private Durations() {}

  private static void units(ChronoUnit unit, String... labels) {
    for (String label : labels) {
      UNITS.put(label, unit);
    }
  }

  /**
   * @throws IllegalArgumentException for any other form, saying how to write the duration
   */
  public static Duration parse(String text) {
    String trimmed = text == null ? "" : text.trim();
    int digits = 0;
    while (digits < trimmed.length() && Character.isDigit(trimmed.charAt(digits))) {
      digits++;
    }
    String number = trimmed.substring(0, digits);
    String label = trimmed.substring(digits).trim().toLowerCase(Locale.US);
    if (number.isEmpty()) {
      throw new IllegalArgumentException(
          "'" + text + "' is not a duration; " + iso(trimmed).orElse("write " + SYNTAX));
    }
    if (label.isEmpty()) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "' has no unit; write e.g. "
              + number
              + "ms or "
              + number
              + "s (units: ms, s, min, h, d)");
    }
    ChronoUnit unit = UNITS.get(label);
    if (unit == null) {
      throw new IllegalArgumentException(
          "'"
              + text
              + "': unknown unit '"
              + label
              + "'; units: "
              + String.join(", ", UNITS.keySet()));
    }
    try {
      BigInteger nanos =
          new BigInteger(number).multiply(BigInteger.valueOf(unit.getDuration().toNanos()));
      BigInteger[] parts = nanos.divideAndRemainder(BigInteger.valueOf(1_000_000_000L));
      return Duration.ofSeconds(parts[0].longValueExact(), parts[1].longValueExact());
    } catch (ArithmeticException e) {
      throw new IllegalArgumentException("'" + text + "' is too long a duration", e);
    }
  }

  private static java.util.Optional<String> iso(String text) {
    try {
      Duration d = Duration.parse(text);
      return java.util.Optional.of("ISO-8601 durations are not read; write " + format(d));
    } catch (DateTimeParseException e) {
      return java.util.Optional.empty();
    }
  }

  /** {@code duration} in the largest unit that holds it exactly, e.g. {@code 5 min}, like Flink. */
  public static String format(Duration duration) {
    long nanos = duration.toNanos();
    if (nanos == 0) {
      return "0 ms";
    }
    for (Map.Entry<ChronoUnit, String> unit : SHORT) {
      long size = unit.getKey().getDuration().toNanos();
      if (nanos % size == 0) {
        return nanos / size + " " + unit.getValue();
      }
    }
    throw new AssertionError("every duration is a whole number of nanoseconds");
  }
}
