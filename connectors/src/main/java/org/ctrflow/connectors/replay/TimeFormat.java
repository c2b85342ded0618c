package org.ctrflow.connectors.replay;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/** How a dataset writes its event-time column. */
public enum TimeFormat {
  /**
   * Epoch seconds or milliseconds, told apart by size: values below 10^11 are seconds (10^11 ms is
   * 1973, 10^11 s is the year 5138), so both units of any realistic log read correctly.
   */
  EPOCH {
    @Override
    long toEpochMillis(String text) throws MalformedRowException {
      double value = DatasetReader.number("event time", text);
      if (value < 0) {
        throw new MalformedRowException("event time must be >= 0, was '" + text + "'");
      }
      return (long) (value < 1e11 ? value * 1000 : value);
    }
  },
  /** Avazu's {@code hour}: {@code YYMMDDHH} in UTC, e.g. {@code 14102100}. */
  YYMMDDHH {
    private static final DateTimeFormatter PATTERN = DateTimeFormatter.ofPattern("yyMMddHH");

    @Override
    long toEpochMillis(String text) throws MalformedRowException {
      try {
        return LocalDateTime.parse(text, PATTERN).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException e) {
        throw new MalformedRowException(
            "hour must be YYMMDDHH (UTC), e.g. 14102100, was '" + text + "'");
      }
    }
  },
  /**
   * ISO-8601 dates and date-times, with {@code T} or a space between date and time, e.g. {@code
   * 2017-05-06 00:00:00}, {@code 2017-05-06T00:00:00.250Z} or {@code 2017-05-06}; without an offset
   * the time is UTC.
   */
  DATETIME {
    @Override
    long toEpochMillis(String text) throws MalformedRowException {
      String iso =
          text.length() > 10 && text.charAt(10) == ' ' ? text.replaceFirst(" ", "T") : text;
      try {
        if (iso.length() == 10) {
          return LocalDate.parse(iso).atStartOfDay().toInstant(ZoneOffset.UTC).toEpochMilli();
        }
        char last = iso.charAt(iso.length() - 1);
        boolean offset = last == 'Z' || iso.lastIndexOf('+') > 10 || iso.lastIndexOf('-') > 10;
        return offset
            ? OffsetDateTime.parse(iso).toInstant().toEpochMilli()
            : LocalDateTime.parse(iso).toInstant(ZoneOffset.UTC).toEpochMilli();
      } catch (DateTimeParseException | StringIndexOutOfBoundsException e) {
        throw new MalformedRowException(
            "event time must be an ISO-8601 date-time such as 2017-05-06 00:00:00 (UTC unless"
                + " an offset is given), was '"
                + text
                + "'");
      }
    }
  };

  abstract long toEpochMillis(String text) throws MalformedRowException;

  /** Whether {@code text} is a time in this format. */
  public boolean accepts(String text) {
    try {
      toEpochMillis(text);
      return true;
    } catch (MalformedRowException e) {
      return false;
    }
  }

  /** The name a schema file uses, e.g. {@code datetime}. */
  public String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * The format of this {@link #label()}, case-insensitive.
   *
   * @throws IllegalArgumentException listing the valid names
   */
  public static TimeFormat parse(String label) {
    for (TimeFormat format : values()) {
      if (format.label().equalsIgnoreCase(label.strip())) {
        return format;
      }
    }
    throw new IllegalArgumentException(
        "unknown time format '" + label + "'; valid: epoch, yymmddhh, datetime");
  }
}
