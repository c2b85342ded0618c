package org.ctrflow.connectors.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.kafka.BrokerProbe;
import org.ctrflow.connectors.kafka.KafkaBrokerConfig;
import org.ctrflow.connectors.supervision.Signals;

/**
 * A single-node KRaft broker in a child JVM ({@code kafka.Kafka}, as {@code ctrflow kafka start}
 * runs it) that a test can freeze with SIGSTOP and thaw with SIGCONT: the faithful model of a
 * broker that stalls (GC pause, frozen VM, network partition), where connections stay open and
 * requests simply get no answer. An in-JVM broker cannot be frozen without freezing the test.
 *
 * <p>The child's class path is the test's own; it must hold {@code kafka_2.13} and {@code
 * kafka-server}. Linux and macOS only ({@code kill -STOP}).
 */
public final class ChildKafkaBroker implements AutoCloseable {

  private final KafkaBrokerConfig config;
  private final Process process;
  private final Path log;

  private ChildKafkaBroker(KafkaBrokerConfig config, Process process, Path log) {
    this.config = config;
    this.process = process;
    this.log = log;
  }

  /** Starts a broker on free ports with its data and log under {@code dir}; returns when ready. */
  public static ChildKafkaBroker start(Path dir, String heap) throws IOException {
    KafkaBrokerConfig config = KafkaBrokerConfig.onFreePorts(dir.resolve("data"));
    Path props = config.writeServerProperties(dir.resolve("server.properties"));
    config.formatStorage(props);
    Path log = dir.resolve("kafka.log");
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    Process process =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xms" + heap,
                    "-Xmx" + heap,
                    "-cp",
                    classpath,
                    "kafka.Kafka",
                    props.toString()))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ChildKafkaBroker broker = new ChildKafkaBroker(config, process, log);
    try {
      BrokerProbe.awaitReady(config.bootstrapServers(), Duration.ofSeconds(90), process::isAlive);
    } catch (IOException | RuntimeException e) {
      broker.close();
      throw new IOException(e.getMessage() + "; broker log: " + broker.logTail(), e);
    }
    return broker;
  }

  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  /** Freezes the broker: it keeps its sockets open and answers nothing. */
  public void pause() throws IOException, InterruptedException {
    signal("STOP");
  }

  /** Thaws a paused broker. */
  public void resume() throws IOException, InterruptedException {
    signal("CONT");
  }

  private void signal(String name) throws IOException, InterruptedException {
    Signals.send(process.pid(), name);
  }

  /** The last lines of the broker's log, for failure messages. */
  public String logTail() throws IOException {
    if (!Files.exists(log)) {
      return "(no log)";
    }
    List<String> lines = Files.readAllLines(log);
    return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
  }

  /** Stops the broker (thawing it first, or SIGTERM would wait forever) and deletes its data. */
  @Override
  public void close() throws IOException {
    try {
      if (process.isAlive()) {
        resume();
        process.destroy();
        if (!process.waitFor(30, TimeUnit.SECONDS)) {
          process.destroyForcibly().waitFor();
        }
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
    config.deleteDataDir();
  }
}
