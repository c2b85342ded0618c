package org.ctrflow.launcher.emit;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * Shows progress on stderr: a bar redrawn in place on a terminal, one line per update otherwise (a
 * log file or CI output would fill with carriage returns).
 */
public final class ConsoleProgress {

  private static final int WIDTH = 30;

  private final PrintWriter err;
  private final boolean terminal;
  private final long total;
  private boolean drawn;

  /**
   * @param total the expected count, or a value <= 0 when unknown (no bar, counts only)
   */
  public ConsoleProgress(PrintWriter err, boolean terminal, long total) {
    this.err = err;
    this.terminal = terminal;
    this.total = total;
  }

  /**
   * Whether the output is probably an interactive terminal. Java cannot ask about stderr alone:
   * {@code System.console()} needs both stdin and stdout on a terminal, and a dumb {@code TERM}
   * unset (cron, CI) rules redrawing out.
   */
  public static boolean stderrIsTerminal() {
    return System.console() != null && System.getenv("TERM") != null;
  }

  /** Reports {@code done} of the total, with a free-form tail such as counts and rate. */
  public void update(long done, String detail) {
    String line =
        total > 0
            ? String.format(Locale.ROOT, "%s %5.1f%% %s", bar(done), 100.0 * done / total, detail)
            : detail;
    if (terminal) {
      err.print("\r" + line + "\u001b[K");
      drawn = true;
    } else {
      err.println(line);
    }
    err.flush();
  }

  /** Ends an in-place bar so the next output starts on its own line. */
  public void finish() {
    if (drawn) {
      err.println();
      err.flush();
      drawn = false;
    }
  }

  private String bar(long done) {
    int filled = (int) Math.min(WIDTH, WIDTH * done / total);
    return "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "]";
  }
}
