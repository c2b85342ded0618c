package org.ctrflow.launcher.cluster;

import static org.ctrflow.launcher.testing.CtrflowRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.launcher.process.PidFile;
import org.ctrflow.launcher.testing.CtrflowRun;
import org.ctrflow.launcher.testing.CtrflowRun.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real session cluster (two JVMs) through the command line, runs a job on it and stops it.
 * The cluster JVMs use the test JVM's {@code java.class.path}: surefire's forked JVM has the full
 * test class path there (the manifest-only booter jar is in {@code surefire.real.class.path}).
 */
class StandaloneFlinkClusterTest {

  @TempDir Path state;

  @AfterEach
  void stopWhatIsLeft() {
    run("cluster", "stop", "--state-dir", state.toString());
  }

  @Test
  @Timeout(240)
  void startsRunsAJobAndStopsWithoutLeftovers() throws Exception {
    int restPort = Ports.freeLoopbackPort();
    int rpcPort = Ports.freeLoopbackPort();
    Result started = CtrflowRun.startCluster(state, restPort, rpcPort);
    System.out.println(started.output()); // start-up time and URLs, kept in the surefire report
    assertEquals(0, started.code(), started.output());
    assertTrue(started.output().contains("http://127.0.0.1:" + restPort), started.output());

    FlinkRestClient rest = new FlinkRestClient(URI.create("http://127.0.0.1:" + restPort));
    FlinkRestClient.Overview overview = rest.overview();
    assertTrue(overview.taskManagers() >= 1, overview.toString());
    assertEquals(2, overview.slotsTotal(), overview.toString());
    assertEquals(0, run("cluster", "status", "--state-dir", state.toString()).code());

    Result again = CtrflowRun.startCluster(state, restPort, rpcPort);
    assertEquals(0, again.code(), again.output());
    assertTrue(again.output().contains("already running"), again.output());

    String jarId = rest.uploadJar(tinyJobJar());
    String jobId = rest.runJar(jarId, TinyJob.class.getName(), List.of("10000"), 2);
    Awaitility.await()
        .atMost(Duration.ofSeconds(90))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> rest.jobStatus(jobId), s -> s.equals("FINISHED") || s.equals("FAILED"));
    assertEquals("FINISHED", rest.jobStatus(jobId));

    ClusterLayout layout = ClusterLayout.under(state);
    List<ProcessHandle> recorded =
        List.of(
            new PidFile(layout.pidFile(ClusterLayout.Role.JOBMANAGER)).liveProcess().orElseThrow(),
            new PidFile(layout.pidFile(ClusterLayout.Role.TASKMANAGER))
                .liveProcess()
                .orElseThrow());

    assertEquals(0, run("cluster", "stop", "--state-dir", state.toString()).code());

    recorded.forEach(p -> assertFalse(p.isAlive(), "still alive: " + p.pid()));
    List<String> leftovers =
        ProcessHandle.allProcesses()
            .map(p -> p.info().commandLine().orElse(""))
            .filter(cmd -> cmd.contains(layout.home().toString()))
            .toList();
    assertEquals(List.of(), leftovers);
    assertEquals(1, run("cluster", "status", "--state-dir", state.toString()).code());
  }

  @Test
  @Timeout(60)
  void refusesATakenRestPortNamingTheOption() throws Exception {
    try (ServerSocket taken = new ServerSocket(0)) {
      Result result =
          run(
              "cluster",
              "start",
              "--state-dir",
              state.toString(),
              "--rest-port",
              "" + taken.getLocalPort(),
              "--rpc-port",
              "" + Ports.freeLoopbackPort());

      assertEquals(1, result.code(), result.output());
      assertTrue(result.output().contains("" + taken.getLocalPort()), result.output());
      assertTrue(result.output().contains("--rest-port"), result.output());
    }
  }

  @Test
  @Timeout(30)
  void rejectsABadMemorySizeWithAnExample() {
    Result result = run("cluster", "start", "--state-dir", state.toString(), "--tm-memory", "lots");

    assertEquals(2, result.code(), result.output());
    assertTrue(result.output().contains("--tm-memory: 'lots'"), result.output());
    assertTrue(result.output().contains("e.g. 1g"), result.output());
  }

  @Test
  @Timeout(60)
  void staleRecordsNeitherCountAsRunningNorBlockAStart() throws Exception {
    ClusterLayout layout = ClusterLayout.under(state);
    // PID files whose process has exited, as a crash or a reboot leaves them.
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    for (ClusterLayout.Role role : ClusterLayout.Role.values()) {
      new PidFile(layout.pidFile(role)).write(gone.toHandle());
    }

    Result status = run("cluster", "status", "--state-dir", state.toString());
    assertEquals(1, status.code(), status.output());
    assertTrue(status.output().contains("not running"), status.output());

    // A taken port stops the start right after the running check: cheap proof it got past it.
    try (ServerSocket taken = new ServerSocket(0)) {
      Result start =
          run(
              "cluster",
              "start",
              "--state-dir",
              state.toString(),
              "--rest-port",
              "" + taken.getLocalPort(),
              "--rpc-port",
              "" + Ports.freeLoopbackPort());
      assertEquals(1, start.code(), start.output());
      assertFalse(start.output().contains("already running"), start.output());
      assertTrue(start.output().contains("--rest-port"), start.output());
    }
  }

  /** A jar holding only {@link TinyJob}: Flink itself is on the cluster's class path. */
  private Path tinyJobJar() throws IOException {
    Path jar = state.resolve("tiny-job.jar");
    String entry = TinyJob.class.getName().replace('.', '/') + ".class";
    try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar));
        var classFile = TinyJob.class.getClassLoader().getResourceAsStream(entry)) {
      out.putNextEntry(new JarEntry(entry));
      classFile.transferTo(out);
      out.closeEntry();
    }
    return jar;
  }
}
