package org.ctrflow.launcher.cluster;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ctrflow.launcher.DurationConverter;
import org.ctrflow.launcher.StateDir;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ctrflow cluster start|stop|status}: a local Flink standalone session cluster. */
@Command(
    name = "cluster",
    description = "A local Flink session cluster (one JobManager, one TaskManager).",
    subcommands = {
      ClusterCommand.Start.class,
      ClusterCommand.Stop.class,
      ClusterCommand.Status.class
    })
public final class ClusterCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new ParameterException(spec.commandLine(), "Name a subcommand: start, stop or status.");
  }

  /** Options every subcommand shares. */
  static final class Common {
    @Spec(Spec.Target.MIXEE)
    CommandSpec spec;

    @Option(
        names = "--state-dir",
        paramLabel = "<dir>",
        description =
            "Where the cluster keeps config, logs, PID files and checkpoints (under <dir>/flink)."
                + " Default: $CTRFLOW_STATE_DIR, else .ctrflow in the checkout.")
    Path stateDir;

    StandaloneFlinkCluster cluster() {
      return new StandaloneFlinkCluster(
          stateDir == null ? StateDir.resolve() : stateDir,
          System.getProperty("java.class.path"),
          out());
    }

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    PrintWriter err() {
      return spec.commandLine().getErr();
    }
  }

  @Command(name = "start", description = "Start the cluster and wait until it offers task slots.")
  static final class Start implements Callable<Integer> {
    @Mixin Common common;

    @Option(
        names = "--rest-port",
        description = "REST API and web UI port. Default: ${DEFAULT-VALUE}.")
    int restPort = ClusterSettings.DEFAULT_REST_PORT;

    @Option(names = "--rpc-port", description = "JobManager RPC port. Default: ${DEFAULT-VALUE}.")
    int rpcPort = ClusterSettings.DEFAULT_RPC_PORT;

    @Option(
        names = "--slots",
        description = "Task slots of the TaskManager. Default: ${DEFAULT-VALUE}.")
    int slots = ClusterSettings.DEFAULT_SLOTS;

    @Option(
        names = "--jm-memory",
        description = "JobManager process memory. Default: ${DEFAULT-VALUE}.")
    String jmMemory = ClusterSettings.DEFAULT_JM_MEMORY;

    @Option(
        names = "--tm-memory",
        description = "TaskManager process memory. Default: ${DEFAULT-VALUE}.")
    String tmMemory = ClusterSettings.DEFAULT_TM_MEMORY;

    @Option(
        names = "--timeout",
        defaultValue = "90s",
        converter = DurationConverter.class,
        description = "How long to wait for the cluster. Default: ${DEFAULT-VALUE}.")
    Duration timeout;

    @Override
    public Integer call() throws IOException, InterruptedException {
      ClusterSettings settings;
      try {
        settings =
            new ClusterSettings(
                restPort,
                rpcPort,
                slots,
                ClusterSettings.memory(jmMemory, "--jm-memory"),
                ClusterSettings.memory(tmMemory, "--tm-memory"));
      } catch (IllegalArgumentException e) {
        throw new ParameterException(common.spec.commandLine(), e.getMessage(), e);
      }
      if (timeout.toSeconds() < 1) {
        throw new ParameterException(
            common.spec.commandLine(), "--timeout must be at least 1s, e.g. --timeout 90s");
      }
      StandaloneFlinkCluster cluster = common.cluster();
      long started = System.nanoTime();
      try {
        if (!cluster.start(settings, timeout)) {
          common.out().println("The cluster is already running.");
          printStatus(cluster.status(), common.out());
          return 0;
        }
      } catch (ClusterException e) {
        common.err().println("ctrflow cluster start: " + e.getMessage());
        return 1;
      }
      String url = StandaloneFlinkCluster.restUrl(restPort).toString();
      common
          .out()
          .printf(
              "Flink cluster ready in %.1f s (%d slots).%n"
                  + "  Web UI and REST API: %s%n"
                  + "  Submit a job:        curl -F jarfile=@job.jar %s/jars/upload   (answers the jar id)%n"
                  + "                       curl -X POST -H 'Content-Type: application/json' \\%n"
                  + "                         -d '{\"entryClass\": \"<main class>\"}' %s/jars/<id>/run%n"
                  + "                       (or, with a Flink distribution: flink run -m 127.0.0.1:%d job.jar)%n"
                  + "  Logs:                %s%n"
                  + "  Stop:                ctrflow cluster stop%s%n",
              (System.nanoTime() - started) / 1e9,
              slots,
              url,
              url,
              url,
              restPort,
              cluster.layout().log(),
              common.stateDir == null ? "" : " --state-dir " + common.stateDir);
      return 0;
    }
  }

  @Command(name = "stop", description = "Stop the cluster's TaskManager, then its JobManager.")
  static final class Stop implements Callable<Integer> {
    @Mixin Common common;

    @Override
    public Integer call() throws IOException {
      boolean wasRunning = common.cluster().stop();
      common.out().println(wasRunning ? "Flink cluster stopped." : "No Flink cluster was running.");
      return 0;
    }
  }

  @Command(
      name = "status",
      description = "Say whether the cluster runs. Exit code 0 when it runs, 1 when not.")
  static final class Status implements Callable<Integer> {
    @Mixin Common common;

    @Override
    public Integer call() throws IOException, InterruptedException {
      StandaloneFlinkCluster.Status status = common.cluster().status();
      printStatus(status, common.out());
      return status.running() ? 0 : 1;
    }
  }

  static void printStatus(StandaloneFlinkCluster.Status status, PrintWriter out) {
    out.println("Flink cluster: " + (status.running() ? "running" : "not running"));
    out.println("  JobManager pid:  " + status.jobManager().map(p -> "" + p.pid()).orElse("-"));
    out.println("  TaskManager pid: " + status.taskManager().map(p -> "" + p.pid()).orElse("-"));
    status.restUrl().ifPresent(url -> out.println("  REST API:        " + url));
    status
        .overview()
        .ifPresent(
            o ->
                out.printf(
                    "  Flink %s: %d TaskManager(s), %d of %d slots free, %d job(s) running%n",
                    o.flinkVersion(),
                    o.taskManagers(),
                    o.slotsAvailable(),
                    o.slotsTotal(),
                    o.jobsRunning()));
  }
}
