package org.ctrflow.launcher.demo;

import java.io.PrintWriter;
import java.time.Duration;
import org.ctrflow.launcher.emit.Numbers;

/** The table {@code ctrflow demo --duration} prints when it ends. */
final class SummaryTable {

  private SummaryTable() {}

  /**
   * @param startup from the command's start until every part was up
   * @param ran from then until the end
   */
  static void print(PrintWriter out, DemoStatus s, Duration startup, Duration ran) {
    out.printf(
        "%nctrflow demo: started in %s, ran %s, %s events%n",
        Numbers.seconds(startup), Numbers.seconds(ran), Numbers.count(s.events()));
    out.printf(
        "%n%-10s %9s %9s %12s %8s %8s %8s %8s%n",
        "model", "versions", "last", "examples", "AUC", "logloss", "win AUC", "win LL");
    for (ModelProgress m : s.models()) {
      out.printf(
          "%-10s %9d %9d %12s %8s %8s %8s %8s%n",
          m.model(),
          m.versionsPublished(),
          m.trainedVersion(),
          Numbers.count(m.examplesTrained()),
          StatusLine.metric(m.auc()),
          StatusLine.metric(m.logLoss()),
          StatusLine.metric(m.windowAuc()),
          StatusLine.metric(m.windowLogLoss()));
    }
    out.println();
    StatusBoard.Served v = s.served();
    row(
        out,
        "served model",
        v == null
            ? "none answered"
            : v.model()
                + " v"
                + v.firstVersion()
                + " -> v"
                + v.version()
                + " ("
                + v.versionsServed()
                + " versions served"
                + (v.lastRefreshLagMs() == null
                    ? ")"
                    : ", last refresh lag " + v.lastRefreshLagMs() + " ms)"));
    row(out, "queue", s.queueDepth() + " waiting, " + s.queueLabeled() + " labeled");
    row(out, "labels given", Long.toString(s.labelsAnswered()));
    row(
        out,
        "human labels",
        s.humanExamples() + " joined into examples, " + s.humanExamplesTrained() + " trained on");
    row(out, "drifts", s.drifts().isEmpty() ? "none crossed" : s.drifts().size() + " crossed");
    for (StatusBoard.Component c : s.components()) {
      row(out, c.name(), c.state().name().toLowerCase(java.util.Locale.ROOT) + " " + c.detail());
    }
    out.flush();
  }

  private static void row(PrintWriter out, String name, String value) {
    out.printf("%-14s %s%n", name, value);
  }
}
