package org.ctrflow.connectors.replay;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

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
  };

  abstract long toEpochMillis(String text) throws MalformedRowException;
}
