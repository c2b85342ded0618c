package org.ctrflow.connectors.kafka;

import org.junit.jupiter.api.Assumptions;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;
import org.testcontainers.utility.DockerImageName;

/**
 * The {@code testcontainers} mode of {@link KafkaBrokerExtension}, in a class of its own so the
 * extension loads where Testcontainers (an optional dependency) is absent; the extension checks
 * that it is present before touching this class.
 */
final class TestcontainersKafka {

  /** System property naming another broker image; the default matches the clients' version. */
  static final String IMAGE_PROPERTY = "ctrflow.kafka.image";

  private static final String DEFAULT_IMAGE = "apache/kafka:4.2.2";

  private TestcontainersKafka() {}

  /** Starts a Kafka container, or aborts the tests (skips them) when that cannot work here. */
  static KafkaTestCluster start() {
    Assumptions.assumeTrue(
        DockerClientFactory.instance().isDockerAvailable(),
        "Kafka mode 'testcontainers' needs a Docker engine and none answers here; skipping."
            + " Run without ctrflow.kafka.mode for the in-JVM broker.");
    String image = System.getProperty(IMAGE_PROPERTY, DEFAULT_IMAGE);
    KafkaContainer container = new KafkaContainer(DockerImageName.parse(image));
    container.start();
    return new KafkaTestCluster(
        KafkaBrokerExtension.Mode.TESTCONTAINERS, container.getBootstrapServers(), container::stop);
  }
}
