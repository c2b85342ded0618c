package org.ctrflow.launcher.cluster;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.GlobalConfiguration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.runtime.entrypoint.StandaloneSessionClusterEntrypoint;
import org.apache.flink.runtime.taskexecutor.TaskManagerRunner;
import org.ctrflow.launcher.cluster.ClusterLayout.Role;
import org.ctrflow.launcher.cluster.FlinkRestClient.Overview;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.launcher.process.PidFile;

/**
 * A Flink standalone session cluster (one JobManager, one TaskManager) run from the launcher's
 * Maven jars, since flink-dist and its scripts are not on Maven Central. It does what {@code
 * start-cluster.sh} does: writes a config directory, sizes each JVM with {@link ResourceParams} and
 * starts the two entry points as background JVMs recorded in PID files.
 *
 * <p>JVM flags. The cluster JVMs inherit the launcher's flags ({@code bin/jvm.options}, see {@link
 * ChildJvm}); start refuses to run without Flink's opens, since jobs would only fail later, at
 * submission, with {@code InaccessibleObjectException}. The groups, as flink-dist sets them in
 * {@code env.java.opts.all}:
 *
 * <ul>
 *   <li>{@code --add-opens java.base/} {@code java.lang}, {@code java.lang.reflect}, {@code
 *       java.lang.invoke}, {@code java.io}, {@code java.text}, {@code java.time}, {@code
 *       java.util}, {@code java.util.concurrent[.atomic|.locks]}: Kryo and Flink's reflective
 *       serializers and closure cleaner reach into JDK classes (collections, time, atomics) held by
 *       user functions and records;
 *   <li>{@code --add-opens java.base/java.nio}, {@code sun.nio.ch}, {@code java.net} and {@code
 *       --add-exports java.base/sun.net.util}: Netty (RPC, shuffle, REST) and Flink's network
 *       utilities use direct buffers and socket internals;
 *   <li>{@code --add-exports java.management/sun.management}, {@code java.rmi/sun.rmi.registry}:
 *       JVM metrics and the JMX reporter;
 *   <li>{@code java.security.jgss/sun.security.krb5} opens and exports: Kerberos support; unused
 *       here, kept to match flink-dist;
 *   <li>{@code -XX:+IgnoreUnrecognizedVMOptions}: one list for every JDK Flink supports.
 * </ul>
 *
 * DJL's flags matter in the TaskManager, where models train: {@code -Dai.djl.offline=true} and
 * {@code -DOPT_OUT_TRACKING=true} stop engine start-up from reaching the network (a cloud metadata
 * address); {@code -Dai.djl.pytorch.num_threads=2} and {@code num_interop_threads=1} keep PyTorch
 * to the machine's two cores. {@code classloader.parent-first-patterns.additional: ai.djl.} (see
 * {@link FlinkConfigFiles}) makes jobs share the cluster's DJL, since PyTorch's native library
 * loads into one class loader per JVM.
 */
public final class StandaloneFlinkCluster {

  private static final String REQUIRED_OPENS = "--add-opens=java.base/java.util=ALL-UNNAMED";
  private static final Duration STOP_GRACE = Duration.ofSeconds(20);
  private static final Duration POLL_INTERVAL = Duration.ofMillis(500);
  private static final int LOG_TAIL_LINES = 40;

  private final ClusterLayout layout;
  private final String classpath;
  private final PrintWriter progress;

  /** The TaskManager's JVM settings of the last start, for {@link #startTaskManager()}. */
  private ResourceParams taskManagerParams;

  /**
   * @param classpath the cluster JVMs' class path: the launcher's, holding Flink's jars
   * @param progress where start-up steps are reported
   */
  public StandaloneFlinkCluster(Path stateDir, String classpath, PrintWriter progress) {
    this.layout = ClusterLayout.under(stateDir);
    this.classpath = absolute(withoutJobJarContents(classpath));
    this.progress = progress;
  }

  public ClusterLayout layout() {
    return layout;
  }

  /** What {@link #status} finds: live processes, the REST URL and, if it answers, its overview. */
  public record Status(
      Optional<ProcessHandle> jobManager,
      Optional<ProcessHandle> taskManager,
      Optional<URI> restUrl,
      Optional<Overview> overview) {

    public boolean running() {
      return jobManager.isPresent() && taskManager.isPresent();
    }
  }

  /**
   * Starts the cluster and waits until its TaskManager offers slots. Returns false if it was
   * already running. A half-running cluster (one process died) is stopped and started afresh; on
   * failure everything started is stopped again and the exception carries the logs' last lines.
   */
  public boolean start(ClusterSettings settings, Duration timeout)
      throws ClusterException, IOException, InterruptedException {
    Status before = status();
    if (before.running()) {
      return false;
    }
    if (before.jobManager().isPresent() || before.taskManager().isPresent()) {
      progress.println("Stopping what is left of a cluster with a dead process...");
      stop();
    }
    List<String> javaOpts = flinkJavaOpts();
    requireFreePort(settings.restPort(), "REST", "--rest-port");
    requireFreePort(settings.rpcPort(), "JobManager RPC", "--rpc-port");
    FlinkConfigFiles.write(layout, settings, javaOpts);
    progress.println("Computing JVM memory settings...");
    Map<ResourceParams.Kind, ResourceParams> params =
        ResourceParams.compute(layout.conf(), classpath);
    ResourceParams jm = params.get(ResourceParams.Kind.GET_JM_RESOURCE_PARAMS);
    ResourceParams tm = params.get(ResourceParams.Kind.GET_TM_RESOURCE_PARAMS);
    taskManagerParams = tm;
    try {
      Process jobManager = launch(Role.JOBMANAGER, StandaloneSessionClusterEntrypoint.class, jm);
      Process taskManager = launch(Role.TASKMANAGER, TaskManagerRunner.class, tm);
      awaitSlots(restUrl(settings.restPort()), jobManager, taskManager, timeout);
      return true;
    } catch (Exception e) {
      // Whatever went wrong, leave no half-started cluster behind; rethrows the precise type.
      stop();
      throw e;
    }
  }

  /**
   * Starts a TaskManager again, as the last {@link #start} did, beside the running JobManager (the
   * one before it died); it registers with the JobManager and offers its slots to the jobs that
   * wait for them. Returns at once.
   *
   * @throws IllegalStateException before this cluster was started
   */
  public ProcessHandle startTaskManager() throws IOException {
    if (taskManagerParams == null) {
      throw new IllegalStateException("the cluster was not started by this launcher");
    }
    return launch(Role.TASKMANAGER, TaskManagerRunner.class, taskManagerParams).toHandle();
  }

  /** Stops the TaskManager, then the JobManager. Returns whether anything was running. */
  public boolean stop() throws IOException {
    boolean taskManager = pidFile(Role.TASKMANAGER).stop(STOP_GRACE);
    boolean jobManager = pidFile(Role.JOBMANAGER).stop(STOP_GRACE);
    return taskManager || jobManager;
  }

  public Status status() throws IOException, InterruptedException {
    Optional<ProcessHandle> jobManager = pidFile(Role.JOBMANAGER).liveProcess();
    Optional<ProcessHandle> taskManager = pidFile(Role.TASKMANAGER).liveProcess();
    Optional<URI> rest = configuredRestUrl();
    Optional<Overview> overview = Optional.empty();
    if (jobManager.isPresent() && rest.isPresent()) {
      try {
        overview = Optional.of(new FlinkRestClient(rest.get()).overview());
      } catch (IOException notAnswering) {
        // Still starting or hung: the caller reports the missing overview.
      }
    }
    return new Status(jobManager, taskManager, rest, overview);
  }

  private Process launch(Role role, Class<?> mainClass, ResourceParams params) throws IOException {
    progress.println("Starting the " + role.processName + "...");
    List<String> jvmOptions = new ArrayList<>(params.jvmArgs());
    jvmOptions.add("-Dlog.file=" + layout.logFile(role));
    jvmOptions.add(
        "-Dlog4j.configurationFile=" + layout.conf().resolve(FlinkConfigFiles.LOG4J_FILE).toUri());
    List<String> args = new ArrayList<>(List.of("--configDir", layout.conf().toString()));
    args.addAll(params.dynamicProperties());
    return ChildJvm.of(mainClass.getName())
        .classpath(classpath)
        .jvmOptions(jvmOptions)
        .args(args)
        .logFile(layout.outFile(role))
        .workDir(layout.home())
        .start(pidFile(role));
  }

  private void awaitSlots(URI rest, Process jobManager, Process taskManager, Duration timeout)
      throws ClusterException, InterruptedException {
    FlinkRestClient client = new FlinkRestClient(rest);
    long deadline = System.nanoTime() + timeout.toNanos();
    String lastProblem = "the REST API did not answer";
    while (System.nanoTime() < deadline) {
      for (Process process : List.of(jobManager, taskManager)) {
        if (!process.isAlive()) {
          Role role = process == jobManager ? Role.JOBMANAGER : Role.TASKMANAGER;
          throw failure(
              "The " + role.processName + " exited with code " + process.exitValue() + ".");
        }
      }
      try {
        Overview overview = client.overview();
        if (overview.taskManagers() >= 1 && overview.slotsAvailable() >= 1) {
          return;
        }
        lastProblem = "no TaskManager with free slots registered yet";
      } catch (IOException notYetListening) {
        lastProblem = "the REST API did not answer: " + notYetListening;
      }
      Thread.sleep(POLL_INTERVAL.toMillis());
    }
    throw failure(
        "The cluster was not ready within " + timeout.toSeconds() + " s (" + lastProblem + ").");
  }

  private ClusterException failure(String what) {
    StringBuilder message = new StringBuilder(what).append(" Logs are in ").append(layout.log());
    for (Role role : Role.values()) {
      for (Path log : List.of(layout.outFile(role), layout.logFile(role))) {
        message.append(tail(log));
      }
    }
    return new ClusterException(message.toString());
  }

  private static String tail(Path log) {
    try {
      List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
      if (lines.isEmpty()) {
        return "";
      }
      List<String> last = lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size());
      return "\n--- last lines of " + log + " ---\n" + String.join("\n", last);
    } catch (IOException missingOrUnreadable) {
      return "";
    }
  }

  /** The REST URL recorded in the config directory, by Flink's own reading of it. */
  private Optional<URI> configuredRestUrl() {
    if (!Files.exists(layout.conf().resolve(FlinkConfigFiles.CONFIG_FILE))) {
      return Optional.empty();
    }
    Configuration config = GlobalConfiguration.loadConfiguration(layout.conf().toString());
    return Optional.of(restUrl(config.get(RestOptions.PORT)));
  }

  static URI restUrl(int port) {
    return URI.create("http://127.0.0.1:" + port);
  }

  /**
   * Jars that job jars carry, which a flink-dist cluster does not have: the Kafka connector and
   * kafka-clients.
   */
  private static final List<String> JOB_JAR_CONTENTS =
      List.of("flink-connector-kafka-", "kafka-clients-");

  /**
   * The launcher's class path less what job jars carry, so the cluster looks like a flink-dist one
   * to the jobs. With the connector on it, {@code org.apache.flink.} being parent-first, the
   * connector would load kafka-clients from the cluster while the job loads its own copy, and
   * submission fails with {@code LinkageError: loader constraint violation ...
   * OffsetResetStrategy}.
   */
  static String withoutJobJarContents(String classpath) {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(
            entry -> {
              String name =
                  Path.of(entry).getFileName() == null
                      ? ""
                      : Path.of(entry).getFileName().toString();
              return JOB_JAR_CONTENTS.stream().noneMatch(name::startsWith);
            })
        .collect(Collectors.joining(File.pathSeparator));
  }

  /** The cluster JVMs run in the cluster's directory, where relative entries would not resolve. */
  static String absolute(String classpath) {
    return Arrays.stream(classpath.split(File.pathSeparator))
        .filter(entry -> !entry.isEmpty())
        .map(entry -> Path.of(entry).toAbsolutePath().toString())
        .collect(Collectors.joining(File.pathSeparator));
  }

  private PidFile pidFile(Role role) {
    return new PidFile(layout.pidFile(role));
  }

  /**
   * The launcher's module flags, which the cluster JVMs inherit and which Flink cannot run without.
   */
  private static List<String> flinkJavaOpts() throws ClusterException {
    List<String> opts =
        ChildJvm.inheritedJvmOptions().stream().filter(o -> o.startsWith("--add-")).toList();
    if (!opts.contains(REQUIRED_OPENS)) {
      throw new ClusterException(
          "This JVM was started without Flink's --add-opens flags (e.g. "
              + REQUIRED_OPENS
              + "), which the cluster JVMs inherit; run ctrflow through bin/ctrflow, or add"
              + " @bin/jvm.options to the java command line.");
    }
    return opts;
  }

  private static void requireFreePort(int port, String what, String option)
      throws ClusterException {
    try (ServerSocket probe = new ServerSocket()) {
      probe.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    } catch (IOException inUse) {
      throw new ClusterException(
          "The "
              + what
              + " port 127.0.0.1:"
              + port
              + " is already in use by another process; choose a free one with "
              + option
              + " <port>, e.g. "
              + option
              + " "
              + (port + 1)
              + ".");
    }
  }
}
