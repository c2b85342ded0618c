package org.ctrflow.launcher.replay;

import java.io.PrintWriter;
import java.util.stream.Collectors;
import org.ctrflow.connectors.replay.MalformedRow;
import org.ctrflow.connectors.replay.ReplayStats;
import org.ctrflow.launcher.emit.Numbers;

/** The progress line and the final count table of {@code ctrflow replay}. */
final class ReplayReport {

  /** How many malformed rows the summary shows in full. */
  private static final int SHOWN_MALFORMED = 5;

  private ReplayReport() {}

  static String progressLine(ReplayStats p) {
    return Numbers.count(p.rowsRead())
        + " rows, "
        + Numbers.count(p.impressions())
        + " impressions, "
        + Numbers.count(p.clicks())
        + " clicks, "
        + Numbers.count(p.malformed())
        + " malformed, "
        + Numbers.count(Math.round(p.eventsPerSecond()))
        + " events/s";
  }

  static void printSummary(PrintWriter out, ReplayStats stats) {
    String malformed = Numbers.count(stats.malformed());
    if (stats.malformed() > 0) {
      malformed +=
          " (lines "
              + stats.firstMalformed().stream()
                  .limit(SHOWN_MALFORMED)
                  .map(r -> Long.toString(r.lineNumber()))
                  .collect(Collectors.joining(", "))
              + (stats.malformed() > SHOWN_MALFORMED ? ", ..." : "")
              + ")";
    }
    out.printf("%-12s %s%n", "rows", Numbers.count(stats.rowsRead()));
    out.printf("%-12s %s%n", "impressions", Numbers.count(stats.impressions()));
    out.printf("%-12s %s%n", "clicks", Numbers.count(stats.clicks()));
    out.printf("%-12s %s%n", "malformed", malformed);
    out.printf("%-12s %s%n", "elapsed", Numbers.seconds(stats.elapsed()));
    out.printf("%-12s %s%n", "events/s", Numbers.count(Math.round(stats.eventsPerSecond())));
    for (MalformedRow row :
        stats
            .firstMalformed()
            .subList(0, Math.min(SHOWN_MALFORMED, stats.firstMalformed().size()))) {
      out.println("  " + row);
    }
    out.flush();
  }
}
