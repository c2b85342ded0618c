package org.ctrflow.connectors.replay;

import java.time.Duration;
import java.util.SplittableRandom;

/**
 * How long after its impression a click happens: uniform in [min, max], drawn from the seed and the
 * impression id alone, so a re-run (or a run with a different rate or limit) yields the same click
 * times. The maximum is capped well inside the usual attribution windows (minutes to hours), so the
 * label join never misses a replayed click.
 *
 * @param min shortest delay, >= 0
 * @param max longest delay, >= min and <= {@link #MAX}
 * @param seed the draw's seed
 */
public record ClickDelay(Duration min, Duration max, long seed) {

  /** The longest delay allowed. */
  public static final Duration MAX = Duration.ofMinutes(5);

  /** 1 to 30 seconds. */
  public static ClickDelay defaults(long seed) {
    return new ClickDelay(Duration.ofSeconds(1), Duration.ofSeconds(30), seed);
  }

  public ClickDelay {
    if (min.isNegative() || max.compareTo(min) < 0 || max.compareTo(MAX) > 0) {
      throw new IllegalArgumentException(
          "click delay must satisfy 0 <= min <= max <= "
              + MAX.toSeconds()
              + " s, e.g. 1s-30s; was "
              + min.toMillis()
              + " ms to "
              + max.toMillis()
              + " ms");
    }
  }

  /** The delay of the click on this impression, in milliseconds. */
  public long millisFor(String impressionId) {
    long mixed = seed ^ (0x9E3779B97F4A7C15L * impressionId.hashCode());
    return new SplittableRandom(mixed).nextLong(min.toMillis(), max.toMillis() + 1);
  }
}
