package org.ctrflow.launcher;

import java.time.Duration;
import org.ctrflow.connectors.config.Durations;
import picocli.CommandLine;

/**
 * Reads a duration option in ctrflow's one syntax ({@link Durations}: {@code 500ms}, {@code 90s},
 * {@code 5 min}); picocli's own converter would read ISO-8601 instead.
 */
public final class DurationConverter implements CommandLine.ITypeConverter<Duration> {

  @Override
  public Duration convert(String text) {
    try {
      return Durations.parse(text);
    } catch (IllegalArgumentException e) {
      throw new CommandLine.TypeConversionException(e.getMessage());
    }
  }
}
