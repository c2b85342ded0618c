package org.ctrflow.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.launcher.testing.CtrflowRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Usage errors of {@code ctrflow submit} and {@code ctrflow stop}, before any cluster is asked. */
@Timeout(30)
class SubmitCommandTest {

  @TempDir Path dir;

  @Test
  void aMissingJarSaysHowToBuildIt() {
    String out = run(2, "submit", "join", "--jar", dir.resolve("none.jar").toString());
    assertThat(out).contains("--jar: no job jar at").contains("-pl flink-jobs -am package");
  }

  @Test
  void anUnknownJobListsTheJobs() {
    assertThat(run(2, "submit", "joins")).contains("JOIN, TRAINING, SCORING");
  }

  @Test
  void aClusterThatDoesNotAnswerIsNamed() throws Exception {
    Path jar = java.nio.file.Files.writeString(dir.resolve("job.jar"), "not really a jar");
    String url = "http://127.0.0.1:" + Ports.freeLoopbackPort();
    assertThat(run(1, "submit", "join", "--jobmanager", url, "--jar", jar.toString()))
        .contains("ConnectException");
  }

  @Test
  void stopRejectsAMalformedJobId() {
    assertThat(run(2, "stop", "12ab")).contains("<jobId>: must be 32 hex digits");
  }

  private static String run(int expectedCode, String... args) {
    CtrflowRun.Result result = CtrflowRun.run(args);
    assertThat(result.code()).as(result.output()).isEqualTo(expectedCode);
    return result.output();
  }
}
