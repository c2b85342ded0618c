package org.ctrflow.launcher.demo;

import java.util.Locale;
import org.ctrflow.launcher.emit.Numbers;

/**
 * The one-line live status: events/s, each model's progressive AUC and log loss, the served model
 * version with its refresh lag, queue depth and labels per minute.
 */
final class StatusLine {

  private StatusLine() {}

  static String format(DemoStatus s) {
    StringBuilder line = new StringBuilder();
    line.append(Numbers.count(Math.round(s.eventsPerSecond()))).append(" ev/s");
    for (ModelProgress m : s.models()) {
      line.append(" | ")
          .append(m.model())
          .append(" v")
          .append(m.trainedVersion())
          .append(" AUC ")
          .append(metric(m.auc()))
          .append(" LL ")
          .append(metric(m.logLoss()));
    }
    line.append(" | served ");
    if (s.served() == null) {
      line.append("-");
    } else {
      line.append(s.served().model()).append(" v").append(s.served().version());
      if (s.served().lastRefreshLagMs() != null) {
        line.append(
            String.format(Locale.ROOT, " (lag %.1fs)", s.served().lastRefreshLagMs() / 1e3));
      }
    }
    line.append(" | queue ").append(s.queueDepth());
    line.append(String.format(Locale.ROOT, " | %.0f labels/min", s.labelsPerMinute()));
    return line.toString();
  }

  static String metric(Double value) {
    return value == null ? "-" : String.format(Locale.ROOT, "%.4f", value);
  }
}
