package org.ctrflow.serving;

import java.util.Map;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.ctrflow.connectors.testing.MetricsReference;
import org.junit.jupiter.api.Test;

/** docs/reference/metrics.md lists every metric the model server registers. */
class ServingMetricsReferenceTest {

  @Test
  void theMetricsTableMatchesTheRegisteredMetrics() throws Exception {
    ServingMetrics metrics = new ServingMetrics();
    metrics.watchWorkers(Map::of);
    GeneratedDocs.assertSection(
        "docs/reference/metrics.md",
        "serving-metrics",
        MetricsReference.markdown(metrics.snapshots()));
  }
}
