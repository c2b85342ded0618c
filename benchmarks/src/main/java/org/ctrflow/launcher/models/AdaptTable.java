package org.ctrflow.launcher.models;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/** The adaptation benchmark's results, printed as one table, and paired comparisons. */
final class AdaptTable {

  private record Scenario(List<AdaptStream> streams, Map<String, List<AdaptResult>> byVariant) {}

  private final Map<String, Scenario> scenarios = new LinkedHashMap<>();

  void add(String scenario, List<AdaptStream> streams, Map<String, List<AdaptResult>> results) {
    scenarios.put(scenario, new Scenario(streams, results));
  }

  void print(PrintWriter out) {
    out.printf(
        Locale.ROOT,
        "%-17s %-22s %5s %15s %8s %8s %8s %8s %8s %8s %10s %9s%n",
        "scenario",
        "variant",
        "runs",
        "AUC (sd)",
        "logloss",
        "tail AUC",
        "first8",
        "first32",
        "first128",
        "tail LL",
        "drift exc",
        "rows/s");
    scenarios.forEach(
        (name, s) ->
            s.byVariant.forEach(
                (label, results) ->
                    out.printf(
                        Locale.ROOT,
                        "%-17s %-22s %5d %15s %8s %8s %8s %8s %8s %8s %10s %9.0f%n",
                        name,
                        label,
                        results.size(),
                        String.format(
                            Locale.ROOT,
                            "%.4f (%.4f)",
                            mean(results, AdaptResult::auc),
                            sd(results, AdaptResult::auc)),
                        f4(mean(results, AdaptResult::logLoss)),
                        f4(mean(results, AdaptResult::tailAuc)),
                        f4(mean(results, r -> r.firstRowsLogLoss(8))),
                        f4(mean(results, r -> r.firstRowsLogLoss(32))),
                        f4(mean(results, r -> r.firstRowsLogLoss(128))),
                        f4(mean(results, AdaptResult::tailLogLoss)),
                        Double.isNaN(mean(results, AdaptResult::totalDriftExcess))
                            ? "-"
                            : String.format(
                                Locale.ROOT, "%.1f", mean(results, AdaptResult::totalDriftExcess)),
                        mean(results, AdaptResult::samplesPerSecond))));
    List<String> diagnostics = new ArrayList<>();
    scenarios.forEach(
        (name, s) ->
            s.byVariant.forEach(
                (label, results) -> {
                  if (!results.get(0).diagnostics().isEmpty()) {
                    diagnostics.add(name + " " + label + ": " + results.get(0).diagnostics());
                  }
                }));
    if (!diagnostics.isEmpty()) {
      out.println("model diagnostics (first run of each):");
      diagnostics.forEach(d -> out.println("  " + d));
    }
  }

  /**
   * B against A in every scenario that ran both: whole-stream AUC (difference, interval over
   * streams), the new entities' first-32-rows log loss (relative change, interval over entities of
   * all streams), the drift excess log loss (relative change, interval over streams).
   */
  void printComparison(PrintWriter out, String a, String b) {
    out.printf(Locale.ROOT, "%npaired comparison: %s against %s (95%% bootstrap interval)%n", b, a);
    out.printf(
        Locale.ROOT,
        "%-17s %-26s %10s %10s %12s %24s%n",
        "scenario",
        "metric",
        a,
        b,
        "B − A",
        "interval");
    scenarios.forEach(
        (name, s) -> {
          List<AdaptResult> ra = s.byVariant.get(a);
          List<AdaptResult> rb = s.byVariant.get(b);
          if (ra == null || rb == null) {
            return;
          }
          row(
              out,
              name,
              "AUC",
              perStream(ra, AdaptResult::auc),
              perStream(rb, AdaptResult::auc),
              false);
          row(
              out,
              name,
              "logloss",
              perStream(ra, AdaptResult::logLoss),
              perStream(rb, AdaptResult::logLoss),
              false);
          if (!Double.isNaN(ra.get(0).tailAuc())) {
            row(
                out,
                name,
                "tail AUC",
                perStream(ra, AdaptResult::tailAuc),
                perStream(rb, AdaptResult::tailAuc),
                false);
          }
          if (!ra.get(0).firstRows().isEmpty()) {
            for (int k : AdaptResult.FIRST_ROWS) {
              row(
                  out,
                  name,
                  "first" + k + " logloss (rel.)",
                  entities(ra, k),
                  entities(rb, k),
                  true);
            }
          }
          if (ra.get(0).driftExcess().length > 0) {
            row(
                out,
                name,
                "drift excess (rel.)",
                perStream(ra, AdaptResult::totalDriftExcess),
                perStream(rb, AdaptResult::totalDriftExcess),
                true);
          }
        });
  }

  private static void row(
      PrintWriter out, String scenario, String metric, double[] a, double[] b, boolean relative) {
    PairedBootstrap.Interval i =
        relative
            ? PairedBootstrap.relativeChange(a, b, 2026)
            : PairedBootstrap.meanDifference(a, b, 2026);
    String estimate =
        relative
            ? String.format(Locale.ROOT, "%+.2f%%", 100 * i.estimate())
            : String.format(Locale.ROOT, "%+.4f", i.estimate());
    String interval =
        Double.isNaN(i.low())
            ? "(one run)"
            : relative
                ? String.format(
                    Locale.ROOT, "[%+.2f%%, %+.2f%%]%s", 100 * i.low(), 100 * i.high(), mark(i))
                : String.format(Locale.ROOT, "[%+.4f, %+.4f]%s", i.low(), i.high(), mark(i));
    out.printf(
        Locale.ROOT,
        "%-17s %-26s %10.4f %10.4f %12s %24s%n",
        scenario,
        metric,
        mean(a),
        mean(b),
        estimate,
        interval);
  }

  private static String mark(PairedBootstrap.Interval i) {
    return i.excludesZero() ? " *" : "";
  }

  private static double[] perStream(List<AdaptResult> results, ToDoubleFunction<AdaptResult> f) {
    return results.stream().mapToDouble(f).toArray();
  }

  /** Every stream's per-entity values, concatenated; streams list their entities alike. */
  private static double[] entities(List<AdaptResult> results, int k) {
    return results.stream()
        .flatMapToDouble(r -> java.util.Arrays.stream(r.firstRows().get(k)))
        .toArray();
  }

  private static double mean(List<AdaptResult> results, ToDoubleFunction<AdaptResult> f) {
    return mean(perStream(results, f));
  }

  private static double mean(double[] values) {
    double sum = 0;
    for (double v : values) {
      sum += v;
    }
    return sum / values.length;
  }

  private static double sd(List<AdaptResult> results, ToDoubleFunction<AdaptResult> f) {
    double[] v = perStream(results, f);
    if (v.length < 2) {
      return 0;
    }
    double m = mean(v);
    double ss = 0;
    for (double x : v) {
      ss += (x - m) * (x - m);
    }
    return Math.sqrt(ss / (v.length - 1));
  }

  private static String f4(double v) {
    return Double.isNaN(v) ? "-" : String.format(Locale.ROOT, "%.4f", v);
  }
}
