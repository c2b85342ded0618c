package org.ctrflow.launcher.demo;

import java.util.List;
import java.util.Locale;
import org.ctrflow.launcher.cluster.FlinkRestClient;

/**
 * Asks the Flink cluster how the demo's jobs are doing and puts it on the status board: RUNNING is
 * up; FAILED, CANCELED or FINISHED (a streaming job should not finish) is a failure, with the job
 * id to look up in the web UI.
 */
final class JobMonitor {

  static final List<String> COMPONENTS = List.of("label-join job", "training job", "scoring job");
  private static final List<String> PREFIXES =
      List.of("ctrflow label-join", "ctrflow training", "ctrflow scoring");

  private final FlinkRuntime flink;
  private final StatusBoard board;

  JobMonitor(FlinkRuntime flink, StatusBoard board) {
    this.flink = flink;
    this.board = board;
  }

  void check() {
    List<FlinkRestClient.JobSummary> jobs;
    try {
      jobs = flink.rest().jobs();
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      return;
    }
    for (int i = 0; i < COMPONENTS.size(); i++) {
      String prefix = PREFIXES.get(i);
      String component = COMPONENTS.get(i);
      jobs.stream()
          .filter(j -> j.name().startsWith(prefix))
          .findFirst()
          .ifPresent(j -> board.component(component, state(j), detail(j), url(j)));
    }
  }

  private static StatusBoard.State state(FlinkRestClient.JobSummary job) {
    return switch (job.state()) {
      case "RUNNING" -> StatusBoard.State.UP;
      case "FAILED", "CANCELED", "FINISHED", "SUSPENDED" -> StatusBoard.State.FAILED;
      default -> StatusBoard.State.STARTING;
    };
  }

  private static String detail(FlinkRestClient.JobSummary job) {
    return job.state().toLowerCase(Locale.ROOT) + ", job " + job.id();
  }

  private String url(FlinkRestClient.JobSummary job) {
    return flink.restUrl().resolve("/#/job/running/" + job.id() + "/overview").toString();
  }
}
