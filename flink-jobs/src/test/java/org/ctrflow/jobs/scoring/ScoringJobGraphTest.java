package org.ctrflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Properties;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.graph.StreamGraph;
import org.apache.flink.streaming.api.graph.StreamNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The job's graph settings that decide request latency, checked without running it. */
@Timeout(30)
class ScoringJobGraphTest {

  @Test
  void requestsReachTheScorerWithinTheBatchDelayAndRecordsAreNotCopied() {
    ScoringConfig config = ScoringOptions.parse(new String[] {"--bootstrap-servers", "x:1"});
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    // Building the Kafka sources and sinks connects to nothing.
    ScoringJob.onKafka("127.0.0.1:1", new Properties(), "graph", config.withBatching(64, 7))
        .build(env);

    assertThat(env.getConfig().isObjectReuseEnabled()).isTrue();
    StreamGraph graph = env.getStreamGraph();
    StreamNode parser =
        graph.getStreamNodes().stream()
            .filter(n -> n.getOperatorName().equals("parse score requests"))
            .findFirst()
            .orElseThrow();
    // Flink's default, 100 ms, would hold requests in network buffers 20x longer than the batch.
    assertThat(parser.getBufferTimeout()).isEqualTo(7L);
  }
}
