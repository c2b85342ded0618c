package org.ctrflow.launcher.cluster;

import java.nio.file.Path;

/**
 * Where the session cluster keeps its files, all under {@code <state>/flink} so that one state
 * directory holds one cluster and deleting it removes every trace.
 */
public record ClusterLayout(Path home) {

  public static ClusterLayout under(Path stateDir) {
    return new ClusterLayout(stateDir.toAbsolutePath().normalize().resolve("flink"));
  }

  public Path conf() {
    return home.resolve("conf");
  }

  public Path log() {
    return home.resolve("log");
  }

  public Path checkpoints() {
    return home.resolve("checkpoints");
  }

  public Path savepoints() {
    return home.resolve("savepoints");
  }

  /** Spill files, RocksDB working directories and the web UI's unpacked files. */
  public Path tmp() {
    return home.resolve("tmp");
  }

  /** Jars uploaded through {@code /jars/upload}; kept so a JobManager restart still lists them. */
  public Path uploads() {
    return home.resolve("uploads");
  }

  public Path pidFile(Role role) {
    return home.resolve(role.processName + ".pid");
  }

  /** Log4j's log of the process (what the web UI shows). */
  public Path logFile(Role role) {
    return log().resolve(role.processName + ".log");
  }

  /** The process' stdout and stderr: JVM crashes and anything printed before logging starts. */
  public Path outFile(Role role) {
    return log().resolve(role.processName + ".out");
  }

  /** The two processes of a session cluster, named as flink-dist names their files. */
  public enum Role {
    JOBMANAGER("jobmanager"),
    TASKMANAGER("taskmanager");

    final String processName;

    Role(String processName) {
      this.processName = processName;
    }
  }
}
