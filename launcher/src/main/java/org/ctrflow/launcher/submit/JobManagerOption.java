package org.ctrflow.launcher.submit;

import java.net.URI;
import org.ctrflow.launcher.cluster.ClusterSettings;
import org.ctrflow.launcher.cluster.FlinkRestClient;
import picocli.CommandLine.Option;

/** {@code --jobmanager URL}: the Flink REST endpoint the job commands talk to. */
final class JobManagerOption {

  @Option(
      names = "--jobmanager",
      paramLabel = "<url>",
      description =
          "Flink REST endpoint (JobManager), e.g. http://127.0.0.1:8081. Default: the local"
              + " cluster of `ctrflow cluster start`, ${DEFAULT-VALUE}.")
  URI jobManager = URI.create("http://127.0.0.1:" + ClusterSettings.DEFAULT_REST_PORT);

  FlinkRestClient client() {
    return new FlinkRestClient(jobManager);
  }

  /** The web UI page of a job. */
  String webUi(String jobId) {
    String base = jobManager.toString().replaceAll("/+$", "");
    return base + "/#/job/running/" + jobId + "/overview";
  }
}
