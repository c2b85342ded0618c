package org.ctrflow.launcher.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Properties;
import org.ctrflow.connectors.kafka.BrokerProbe;
import org.ctrflow.connectors.kafka.KafkaBrokerConfig;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.launcher.process.PidFile;

/**
 * The background Kafka broker of {@code ctrflow kafka}: a child JVM running {@code kafka.Kafka}
 * from the launcher's class path, with its state in {@code <state dir>/kafka}: {@code data/},
 * {@code server.properties}, {@code kafka.pid} and {@code kafka.log}.
 */
public final class LocalKafka {

  static final Duration READY_TIMEOUT = Duration.ofSeconds(60);
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);
  private static final int LOG_TAIL_LINES = 40;

  private final Path dir;
  private final PidFile pidFile;

  public LocalKafka(Path stateDir) {
    this.dir = stateDir.resolve("kafka");
    this.pidFile = new PidFile(dir.resolve("kafka.pid"));
  }

  public Path dataDir() {
    return dir.resolve("data");
  }

  Path logFile() {
    return dir.resolve("kafka.log");
  }

  Path serverProperties() {
    return dir.resolve("server.properties");
  }

  PidFile pidFile() {
    return pidFile;
  }

  /** The broker process, if the recorded one is alive. */
  Optional<ProcessHandle> running() throws IOException {
    return pidFile.liveProcess();
  }

  /** Where the broker last started here listens, from its {@code server.properties}. */
  String bootstrapServers() throws IOException {
    Properties props = new Properties();
    try (InputStream in = Files.newInputStream(serverProperties())) {
      props.load(in);
    }
    return KafkaBrokerConfig.bootstrapServersOf(props);
  }

  /**
   * Starts the broker and waits until it answers. Returns its process; on failure the child is
   * stopped and the exception says why, with the end of its log.
   */
  public ProcessHandle start(KafkaBrokerConfig config, String heap, boolean fresh)
      throws IOException {
    if (fresh) {
      config.deleteDataDir();
    }
    Path props = config.writeServerProperties(serverProperties());
    config.formatStorage(props);
    Files.writeString(
        logFile(),
        "--- ctrflow kafka start " + Instant.now() + " ---\n",
        StandardCharsets.UTF_8,
        StandardOpenOption.CREATE,
        StandardOpenOption.APPEND);
    Process process =
        ChildJvm.of("kafka.Kafka")
            .jvmOptions(List.of("-Xms" + heap, "-Xmx" + heap))
            .args(List.of(props.toString()))
            .logFile(logFile())
            .workDir(dir)
            .start(pidFile);
    try {
      BrokerProbe.awaitReady(config.bootstrapServers(), READY_TIMEOUT, process::isAlive);
    } catch (IOException e) {
      pidFile.stop(STOP_GRACE);
      String why =
          process.isAlive()
              ? e.getMessage()
              : "the broker JVM exited with code " + exitCode(process);
      throw new IOException(
          "Kafka did not start: "
              + why
              + " (if its data in "
              + config.dataDir()
              + " is damaged or from elsewhere, --fresh starts over with no topics)\nLast lines of "
              + logFile()
              + ":\n"
              + logTail(),
          e);
    }
    return process.toHandle();
  }

  /** Stops the broker; returns the process that was stopped, if one was running. */
  Optional<ProcessHandle> stop() throws IOException {
    Optional<ProcessHandle> live = running();
    pidFile.stop(STOP_GRACE);
    return live;
  }

  private String logTail() throws IOException {
    if (!Files.exists(logFile())) {
      return "(no log written)";
    }
    List<String> lines = Files.readAllLines(logFile(), StandardCharsets.UTF_8);
    return String.join(
        "\n", lines.subList(Math.max(0, lines.size() - LOG_TAIL_LINES), lines.size()));
  }

  private static String exitCode(Process process) {
    try {
      return Integer.toString(process.exitValue());
    } catch (IllegalThreadStateException e) {
      return "unknown";
    }
  }
}
