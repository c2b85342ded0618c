package org.ctrflow.launcher.demo;

import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.DeploymentOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Points every {@code StreamExecutionEnvironment.getExecutionEnvironment()} of this JVM at one
 * running cluster's REST endpoint, detached, so a job's unchanged {@code main} submits its job
 * graph there and returns. The job classes are on the cluster's class path (the MiniCluster runs in
 * this JVM; the session cluster's JVMs share the launcher's class path), so no jar is uploaded.
 * This is what {@code flink run} does for a jar's main method, minus the jar.
 */
final class ContextEnvironment extends StreamExecutionEnvironment {

  private ContextEnvironment() {}

  /** Installs the context; {@code extra} (e.g. the checkpoint interval) applies to every job. */
  static void install(String restHost, int restPort, Configuration extra) {
    Configuration cluster = new Configuration(extra);
    cluster.set(DeploymentOptions.TARGET, "remote");
    cluster.set(DeploymentOptions.ATTACHED, false);
    cluster.set(RestOptions.ADDRESS, restHost);
    cluster.set(RestOptions.PORT, restPort);
    initializeContextEnvironment(
        jobConfig -> {
          Configuration merged = new Configuration(cluster);
          merged.addAll(jobConfig);
          // The job's own settings may not move it off the chosen cluster.
          merged.set(DeploymentOptions.TARGET, "remote");
          merged.set(DeploymentOptions.ATTACHED, false);
          return new StreamExecutionEnvironment(merged);
        });
  }

  static void uninstall() {
    resetContextEnvironment();
  }
}
