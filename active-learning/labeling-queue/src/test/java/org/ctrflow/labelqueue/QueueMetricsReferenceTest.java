package org.ctrflow.labelqueue;

import java.util.Map;
import org.ctrflow.connectors.testing.GeneratedDocs;
import org.ctrflow.connectors.testing.MetricsReference;
import org.junit.jupiter.api.Test;

/** docs/reference/metrics.md lists every metric the labeling queue registers. */
class QueueMetricsReferenceTest {

  @Test
  void theMetricsTableMatchesTheRegisteredMetrics() throws Exception {
    QueueMetrics metrics = new QueueMetrics();
    metrics.watch(Map::of, () -> 0L, () -> 0L, Map::of);
    GeneratedDocs.assertSection(
        "docs/reference/metrics.md",
        "queue-metrics",
        MetricsReference.markdown(metrics.snapshots()));
  }
}
