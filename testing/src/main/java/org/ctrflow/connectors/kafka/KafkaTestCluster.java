package org.ctrflow.connectors.kafka;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicInteger;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension.Mode;

/**
 * The Kafka cluster a test talks to, handed out by {@link KafkaBrokerExtension}. It may be shared
 * with every other test class in the JVM, so a test must keep to topics under its own {@link
 * #newTopicPrefix()} and must not stop it.
 */
public final class KafkaTestCluster implements AutoCloseable {

  private static final AtomicInteger PREFIXES = new AtomicInteger();
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Mode mode;
  private final String bootstrapServers;
  private final AutoCloseable runtime;

  KafkaTestCluster(Mode mode, String bootstrapServers, AutoCloseable runtime) {
    this.mode = Objects.requireNonNull(mode, "mode");
    this.bootstrapServers = Objects.requireNonNull(bootstrapServers, "bootstrapServers");
    this.runtime = runtime;
  }

  /** {@code host:port[,host:port]} for the clients' {@code bootstrap.servers}. */
  public String bootstrapServers() {
    return bootstrapServers;
  }

  public Mode mode() {
    return mode;
  }

  /**
   * A topic prefix no other test in this run (nor an earlier run against an external broker) uses,
   * e.g. {@code test-7-3fa9c2}; use it with {@code Topic.name(prefix)} or {@code
   * Topic.specs(prefix)}.
   */
  public String newTopicPrefix() {
    byte[] random = new byte[3];
    RANDOM.nextBytes(random);
    return "test-" + PREFIXES.incrementAndGet() + "-" + HexFormat.of().formatHex(random);
  }

  /** An admin client for this cluster; close it when done. */
  public TopicAdmin topicAdmin() {
    return TopicAdmin.connect(bootstrapServers);
  }

  /** Stops the broker if this cluster started one; the extension calls it when the run ends. */
  @Override
  public void close() throws Exception {
    if (runtime != null) {
      runtime.close();
    }
  }

  @Override
  public String toString() {
    return mode.name().toLowerCase(Locale.ROOT) + " Kafka at " + bootstrapServers;
  }
}
