package org.ctrflow.connectors.testing;

import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;

/**
 * Renders a service's Prometheus metrics as a Markdown table (name as scraped, type, help), from
 * the registry's snapshot: metrics that have recorded nothing yet are listed too, which the text
 * exposition would leave out. {@link GeneratedDocs} keeps the metrics reference true to it.
 */
public final class MetricsReference {

  private MetricsReference() {}

  public static String markdown(MetricSnapshots snapshots) {
    StringBuilder table = new StringBuilder("| metric | type | meaning |\n|---|---|---|\n");
    for (MetricSnapshot snapshot : snapshots) {
      String name = snapshot.getMetadata().getPrometheusName();
      String type;
      if (snapshot instanceof CounterSnapshot) {
        type = "counter";
        name += "_total";
      } else if (snapshot instanceof GaugeSnapshot) {
        type = "gauge";
      } else if (snapshot instanceof HistogramSnapshot) {
        type = "histogram";
      } else {
        throw new IllegalArgumentException("no type name for " + snapshot.getClass());
      }
      String help = snapshot.getMetadata().getHelp();
      table
          .append("| `")
          .append(name)
          .append("` | ")
          .append(type)
          .append(" | ")
          .append(help.endsWith(".") ? help : help + ".")
          .append(" |\n");
    }
    return table.toString();
  }
}
