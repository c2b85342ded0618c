package org.ctrflow.launcher.emit;

import java.time.Duration;
import java.util.Locale;

/** Number formats shared by the summaries. */
public final class Numbers {

  private Numbers() {}

  /** {@code 28860} as {@code 28,860}. */
  public static String count(long n) {
    return String.format(Locale.ROOT, "%,d", n);
  }

  /** {@code 2.31 s}. */
  public static String seconds(Duration elapsed) {
    return String.format(Locale.ROOT, "%.2f s", elapsed.toNanos() / 1e9);
  }

  /** {@code 0.1234}. */
  public static String ratio(double r) {
    return String.format(Locale.ROOT, "%.4f", r);
  }
}
