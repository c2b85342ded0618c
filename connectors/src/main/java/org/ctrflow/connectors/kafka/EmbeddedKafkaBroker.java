package org.ctrflow.connectors.kafka;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import org.apache.kafka.common.utils.Time;

/**
 * A real single-node KRaft Kafka broker running inside the current JVM: no Docker, no child
 * process. Starts in 1-4 s on two cores. Its clients and the broker must be the same Kafka version
 * (../shared/ STACK.md), which the parent pom guarantees.
 *
 * <pre>{@code
 * try (EmbeddedKafkaBroker kafka = EmbeddedKafkaBroker.start()) {
 *   producerProps.put("bootstrap.servers", kafka.bootstrapServers());
 * }
 * }</pre>
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Duration READY_TIMEOUT = Duration.ofSeconds(60);

  private final KafkaBrokerConfig config;
  private final KafkaRaftServer server;
  private final boolean deleteDataDirOnClose;
  private final Duration startupTime;

  private EmbeddedKafkaBroker(
      KafkaBrokerConfig config,
      KafkaRaftServer server,
      boolean deleteDataDirOnClose,
      Duration startupTime) {
    this.config = config;
    this.server = server;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
    this.startupTime = startupTime;
  }

  /** A broker on free ports with its data in a temporary directory deleted on close. */
  public static EmbeddedKafkaBroker start() throws IOException {
    Path tempDir = Files.createTempDirectory("ctrflow-kafka-");
    return start(KafkaBrokerConfig.onFreePorts(tempDir), true);
  }

  /**
   * A broker with the given ports and data directory; the directory is kept on close unless {@code
   * deleteDataDirOnClose}. Returns once the broker answers admin requests.
   */
  public static EmbeddedKafkaBroker start(KafkaBrokerConfig config, boolean deleteDataDirOnClose)
      throws IOException {
    long started = System.nanoTime();
    // The format step reads its settings from a file; the running broker gets them in memory.
    Path serverProperties = Files.createTempFile("ctrflow-kafka-", ".properties");
    try {
      config.writeServerProperties(serverProperties);
      config.formatStorage(serverProperties);
    } finally {
      Files.deleteIfExists(serverProperties);
    }
    KafkaRaftServer server =
        new KafkaRaftServer(KafkaConfig.fromProps(config.properties(), false), Time.SYSTEM);
    try {
      server.startup();
      BrokerProbe.awaitReady(config.bootstrapServers(), READY_TIMEOUT, () -> true);
    } catch (RuntimeException | IOException e) {
      shutdown(server);
      if (deleteDataDirOnClose) {
        config.deleteDataDir();
      }
      throw e;
    }
    Duration took = Duration.ofNanos(System.nanoTime() - started);
    return new EmbeddedKafkaBroker(config, server, deleteDataDirOnClose, took);
  }

  public String bootstrapServers() {
    return config.bootstrapServers();
  }

  public KafkaBrokerConfig config() {
    return config;
  }

  /** From the format step until the broker first answered {@code describeCluster}. */
  public Duration startupTime() {
    return startupTime;
  }

  @Override
  public void close() throws IOException {
    shutdown(server);
    if (deleteDataDirOnClose) {
      config.deleteDataDir();
    }
  }

  private static void shutdown(KafkaRaftServer server) {
    server.shutdown();
    server.awaitShutdown();
  }
}
