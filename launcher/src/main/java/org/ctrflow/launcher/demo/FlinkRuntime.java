package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.reflect.InvocationTargetException;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.CoreOptions;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.TaskManagerOptions;
import org.apache.flink.runtime.minicluster.MiniCluster;
import org.apache.flink.runtime.minicluster.MiniClusterConfiguration;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.launcher.cluster.ClusterSettings;
import org.ctrflow.launcher.cluster.FlinkRestClient;
import org.ctrflow.launcher.cluster.StandaloneFlinkCluster;
import org.ctrflow.launcher.submit.SubmitCommand;

/**
 * The Flink cluster the demo's jobs run on: a MiniCluster inside this JVM (default; its web UI on a
 * free port), or the standalone session cluster of {@code ctrflow cluster} ({@code --cluster}),
 * started under the run directory. Jobs are submitted the same way to both: their {@code main} runs
 * here with a {@link ContextEnvironment} aimed at the cluster's REST endpoint.
 */
final class FlinkRuntime implements AutoCloseable {

  private static final Duration SESSION_START_TIMEOUT = Duration.ofMinutes(2);
  private static final int MINI_SLOTS = 8;
  private static final Duration CANCEL_TIMEOUT = Duration.ofSeconds(20);

  /** The TaskManager's name on the status board, and its supervised process's. */
  static final String TASK_MANAGER = "TaskManager";

  private static final Duration TASK_MANAGER_STOP_GRACE = Duration.ofSeconds(20);

  private final URI restUrl;
  private final AutoCloseable stop;
  private final List<String> jobJars;

  /**
   * @param jobJars jars shipped with every job (pipeline.jars): none for the MiniCluster, which
   *     shares this JVM's class path; the shaded job jar for the session cluster, whose class path
   *     is a flink-dist one without the Kafka connector
   */
  private FlinkRuntime(URI restUrl, AutoCloseable stop, List<String> jobJars) {
    this.restUrl = restUrl;
    this.stop = stop;
    this.jobJars = jobJars;
  }

  /** A MiniCluster with one TaskManager, checkpoints under {@code checkpoints}. */
  static FlinkRuntime miniCluster(java.nio.file.Path checkpoints) throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_ADDRESS, "127.0.0.1");
    conf.set(RestOptions.ADDRESS, "127.0.0.1");
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(TaskManagerOptions.NUM_TASK_SLOTS, MINI_SLOTS);
    conf.set(CheckpointingOptions.CHECKPOINTS_DIRECTORY, checkpoints.toUri().toString());
    conf.set(CoreOptions.DEFAULT_PARALLELISM, 1);
    MiniCluster cluster =
        new MiniCluster(
            new MiniClusterConfiguration.Builder()
                .withRandomPorts()
                .setConfiguration(conf)
                .setNumTaskManagers(1)
                .setNumSlotsPerTaskManager(MINI_SLOTS)
                .build());
    cluster.start();
    URI rest = cluster.getRestAddress().get();
    return new FlinkRuntime(rest, cluster, List.of());
  }

  /**
   * The standalone session cluster, its state and PID files under {@code dir}. Its TaskManager is
   * one of the {@code parts}: started again when it dies, as Kubernetes restarts a TaskManager pod,
   * so the jobs get their slots back and restore from their last checkpoint.
   */
  static FlinkRuntime sessionCluster(
      java.nio.file.Path dir, PrintWriter progress, RestartingParts parts) throws Exception {
    java.nio.file.Path jobJar = SubmitCommand.defaultJar();
    if (!java.nio.file.Files.isRegularFile(jobJar)) {
      throw new IOException(
          "--cluster needs the shaded job jar, "
              + jobJar
              + "; build it with "
              + SubmitCommand.BUILD_JOB_JAR);
    }
    StandaloneFlinkCluster cluster =
        new StandaloneFlinkCluster(dir, System.getProperty("java.class.path"), progress);
    ClusterSettings d = ClusterSettings.defaults();
    ClusterSettings settings =
        new ClusterSettings(
            DemoPorts.preferred(d.restPort()),
            DemoPorts.preferred(d.rpcPort()),
            MINI_SLOTS,
            d.jmMemory(),
            ClusterSettings.memory("3g", "--tm-memory"));
    cluster.start(settings, SESSION_START_TIMEOUT);
    URI rest = URI.create("http://127.0.0.1:" + settings.restPort() + "/");
    Supervised taskManager =
        parts.process(
            TASK_MANAGER,
            cluster.status().taskManager().orElseThrow(),
            cluster::startTaskManager,
            TASK_MANAGER_STOP_GRACE,
            () -> true,
            "own JVM",
            rest.toString());
    AutoCloseable stop =
        () -> {
          // No restart of the TaskManager the stop below ends.
          taskManager.close(TASK_MANAGER_STOP_GRACE.multipliedBy(2));
          cluster.stop();
        };
    return new FlinkRuntime(rest, stop, List.of(jobJar.toUri().toURL().toString()));
  }

  URI restUrl() {
    return restUrl;
  }

  FlinkRestClient rest() {
    return new FlinkRestClient(restUrl);
  }

  /**
   * Runs a job's {@code main(String[])} against this cluster; returns once the job is submitted.
   *
   * @param extra Flink settings for the job, e.g. its checkpoint interval
   */
  void submit(String mainClass, List<String> args, Configuration extra) throws Exception {
    Configuration job = new Configuration(extra);
    if (!jobJars.isEmpty()) {
      job.set(PipelineOptions.JARS, jobJars);
    }
    ContextEnvironment.install(restUrl.getHost(), restUrl.getPort(), job);
    try {
      Class.forName(mainClass)
          .getMethod("main", String[].class)
          .invoke(null, (Object) args.toArray(String[]::new));
    } catch (ClassNotFoundException e) {
      throw new IOException(
          mainClass + " is not on the launcher's class path; rebuild it (bin/ctrflow does)", e);
    } catch (InvocationTargetException e) {
      throw e.getCause() instanceof Exception cause ? cause : e;
    } finally {
      ContextEnvironment.uninstall();
    }
  }

  /**
   * Cancels the running jobs (their sinks abort open transactions, their tasks end quietly), then
   * stops the cluster.
   */
  @Override
  public void close() throws Exception {
    try {
      FlinkRestClient rest = rest();
      List<FlinkRestClient.JobSummary> running =
          rest.jobs().stream().filter(j -> j.state().equals("RUNNING")).toList();
      for (FlinkRestClient.JobSummary job : running) {
        rest.cancel(job.id());
      }
      long deadline = System.nanoTime() + CANCEL_TIMEOUT.toNanos();
      while (System.nanoTime() < deadline
          && rest.jobs().stream().anyMatch(j -> !isTerminal(j.state()))) {
        Thread.sleep(200);
      }
    } catch (IOException e) {
      // The cluster does not answer: stopping it is all that is left to do.
    } finally {
      stop.close();
    }
  }

  private static boolean isTerminal(String state) {
    return List.of("CANCELED", "FAILED", "FINISHED").contains(state);
  }
}
