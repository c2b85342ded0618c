package org.ctrflow.connectors.kafka;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Properties;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;

/**
 * The settings of a single-node KRaft Kafka (one process is broker and controller, node.id 1),
 * bound to 127.0.0.1 only. Shared by the in-JVM {@link EmbeddedKafkaBroker} and the broker that
 * {@code ctrflow kafka start} runs in a child JVM, so both behave alike.
 *
 * @param brokerPort port of the PLAINTEXT listener clients use
 * @param controllerPort port of the KRaft controller listener
 * @param dataDir where the broker keeps its log segments and metadata log
 */
public record KafkaBrokerConfig(int brokerPort, int controllerPort, Path dataDir) {

  /** Every listener binds to loopback: a development broker must not be reachable from outside. */
  public static final String HOST = "127.0.0.1";

  public KafkaBrokerConfig {
    validPort("broker", brokerPort);
    validPort("controller", controllerPort);
    if (brokerPort == controllerPort) {
      throw new IllegalArgumentException(
          "broker and controller need different ports, both were " + brokerPort);
    }
    dataDir = Objects.requireNonNull(dataDir, "dataDir").toAbsolutePath();
  }

  /** A config on two free ports picked by the OS. */
  public static KafkaBrokerConfig onFreePorts(Path dataDir) {
    int broker = freePort();
    int controller = freePort();
    while (controller == broker) {
      controller = freePort();
    }
    return new KafkaBrokerConfig(broker, controller, dataDir);
  }

  /** {@code 127.0.0.1:<brokerPort>}, what clients put in {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return HOST + ":" + brokerPort;
  }

  /** The broker's {@code server.properties}. */
  public Properties properties() {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.bootstrap.servers", HOST + ":" + controllerPort);
    p.put(
        "listeners",
        "PLAINTEXT://" + bootstrapServers() + ",CONTROLLER://" + HOST + ":" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://" + bootstrapServers());
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("log.dirs", dataDir.toString());
    // One node: every internal topic must live with a single replica or it is never created.
    p.put("offsets.topic.replication.factor", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("default.replication.factor", "1");
    p.put("min.insync.replicas", "1");
    // Fewer internal partitions: each one costs start-up time and file handles on a laptop.
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.num.partitions", "5");
    // Flink's exactly-once KafkaSink keeps transactions open across checkpoints and asks for
    // a transaction timeout of up to an hour; the broker default (15 min) would refuse it.
    p.put("transaction.max.timeout.ms", "3600000");
    // Consumers in tests join at once instead of waiting 3 s for more members.
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("auto.create.topics.enable", "false");
    p.put("num.partitions", "1");
    Properties props = new Properties();
    props.putAll(p);
    return props;
  }

  /** Writes {@link #properties()} to {@code file}, e.g. {@code server.properties}. */
  public Path writeServerProperties(Path file) throws IOException {
    Files.createDirectories(file.toAbsolutePath().getParent());
    try (Writer out = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
      properties().store(out, "ctrflow single-node KRaft broker, written by KafkaBrokerConfig");
    }
    return file;
  }

  /**
   * Formats {@link #dataDir()} as a fresh single-voter cluster, unless it already holds one (so a
   * restarted broker keeps its topics and records). Equivalent to {@code kafka-storage.sh format -t
   * <new id> -c <serverProperties> --standalone}. Returns whether it formatted.
   */
  public boolean formatStorage(Path serverProperties) throws IOException {
    // Kafka's --ignore-formatted still fails on a directory of another cluster id, and the id
    // of an existing directory is not ours to pick: leave formatted storage alone.
    if (Files.exists(dataDir.resolve("meta.properties"))) {
      return false;
    }
    Files.createDirectories(dataDir);
    ByteArrayOutputStream output = new ByteArrayOutputStream();
    int exit;
    try (PrintStream out = new PrintStream(output, true, StandardCharsets.UTF_8)) {
      String[] args = {
        "format",
        "--cluster-id",
        Uuid.randomUuid().toString(),
        "--config",
        serverProperties.toAbsolutePath().toString(),
        "--standalone"
      };
      exit = StorageTool.execute(args, out);
    } catch (RuntimeException e) {
      throw new IOException(
          "formatting Kafka storage in " + dataDir + " failed: " + e.getMessage(), e);
    }
    if (exit != 0) {
      throw new IOException(
          "formatting Kafka storage in "
              + dataDir
              + " failed (exit "
              + exit
              + "): "
              + output.toString(StandardCharsets.UTF_8));
    }
    return true;
  }

  /**
   * Deletes {@link #dataDir()} and everything in it: every topic and record is gone. Refuses a
   * non-empty directory that holds no Kafka storage, so a mistyped {@code --data-dir} costs
   * nothing.
   */
  public void deleteDataDir() throws IOException {
    if (!Files.exists(dataDir)) {
      return;
    }
    if (!Files.exists(dataDir.resolve("meta.properties"))) {
      try (var entries = Files.list(dataDir)) {
        if (entries.findAny().isPresent()) {
          throw new IOException(
              "refusing to delete "
                  + dataDir
                  + ": it is not empty and holds no meta.properties, so it is not Kafka storage");
        }
      }
    }
    Files.walkFileTree(
        dataDir,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            if (e != null) {
              throw e;
            }
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** The client bootstrap address a {@code server.properties} written by this class listens on. */
  public static String bootstrapServersOf(Properties serverProperties) {
    String advertised = serverProperties.getProperty("advertised.listeners", "");
    for (String listener : advertised.split(",")) {
      if (listener.startsWith("PLAINTEXT://")) {
        return listener.substring("PLAINTEXT://".length());
      }
    }
    throw new IllegalArgumentException(
        "no PLAINTEXT listener in advertised.listeners='"
            + advertised
            + "'; expected e.g. PLAINTEXT://127.0.0.1:9092");
  }

  /** Whether nothing listens on {@code port} of 127.0.0.1 yet. */
  public static boolean isPortFree(int port) {
    try (ServerSocket socket = new ServerSocket()) {
      // As the broker binds: connections of a just-stopped broker in TIME_WAIT do not count.
      socket.setReuseAddress(true);
      socket.bind(new InetSocketAddress(HOST, port), 1);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getByName(HOST))) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException("no free port on " + HOST, e);
    }
  }

  private static void validPort(String name, int port) {
    if (port < 1 || port > 65_535) {
      throw new IllegalArgumentException(
          name + " port must be between 1 and 65535, e.g. 9092; was " + port);
    }
  }
}
