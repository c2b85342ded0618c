package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.launcher.cluster.FlinkRestClient;
import org.ctrflow.launcher.cluster.TinyJob;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A job's unchanged main, submitted to the demo's MiniCluster through its REST endpoint. */
@Timeout(120)
class FlinkRuntimeTest {

  @TempDir Path dir;

  @Test
  void aJobsMainRunsOnTheMiniClusterAndShowsInItsRestApi() throws Exception {
    try (FlinkRuntime flink = FlinkRuntime.miniCluster(dir.resolve("checkpoints"))) {
      assertThat(flink.restUrl().getHost()).isEqualTo("127.0.0.1");
      long started = System.nanoTime();
      flink.submit(TinyJob.class.getName(), List.of("1000"), new Configuration());
      // Detached: main returned at submission, well before a result could be awaited.
      assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
      await()
          .atMost(Duration.ofSeconds(60))
          .untilAsserted(
              () ->
                  assertThat(flink.rest().jobs())
                      .extracting(
                          FlinkRestClient.JobSummary::name, FlinkRestClient.JobSummary::state)
                      .containsExactly(
                          org.assertj.core.groups.Tuple.tuple("ctrflow-tiny-job", "FINISHED")));
      assertThatThrownBy(
              () -> flink.submit("org.ctrflow.NoSuchJob", List.of(), new Configuration()))
          .hasMessageContaining("org.ctrflow.NoSuchJob is not on the launcher's class path");
    }
  }
}
