package org.ctrflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension.Mode;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.opentest4j.TestAbortedException;
import org.testcontainers.DockerClientFactory;

@Timeout(value = 90, unit = TimeUnit.SECONDS)
class KafkaBrokerExtensionTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @Test
  void injectsTheClusterItStartedBeforeAll(KafkaTestCluster injected) {
    assertThat(injected).isSameAs(KAFKA.cluster());
    assertThat(BrokerProbe.answers(injected.bootstrapServers(), Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void givesEveryCallAFreshTopicPrefix() {
    KafkaTestCluster kafka = KAFKA.cluster();
    String a = kafka.newTopicPrefix();
    String b = kafka.newTopicPrefix();
    assertThat(a).isNotEqualTo(b);
    assertThat(Topic.CLICKS.name(a)).startsWith("test-");
  }

  @Test
  void environmentPicksTheMode() {
    Map<String, String> none = Map.of();
    Map<String, String> bootstrap = Map.of("KAFKA_BOOTSTRAP", "10.0.0.1:9092");
    assertThat(KafkaBrokerExtension.modeFrom(none::get, none::get)).isEqualTo(Mode.EMBEDDED);
    assertThat(KafkaBrokerExtension.modeFrom(none::get, bootstrap::get)).isEqualTo(Mode.EXTERNAL);
    Map<String, String> property = Map.of("ctrflow.kafka.mode", "Testcontainers");
    assertThat(KafkaBrokerExtension.modeFrom(property::get, bootstrap::get))
        .isEqualTo(Mode.TESTCONTAINERS);
    Map<String, String> env = Map.of("CTRFLOW_KAFKA_MODE", "embedded", "KAFKA_BOOTSTRAP", "x:1");
    assertThat(KafkaBrokerExtension.modeFrom(none::get, env::get)).isEqualTo(Mode.EMBEDDED);

    Map<String, String> typo = Map.of("ctrflow.kafka.mode", "docker");
    assertThatThrownBy(() -> KafkaBrokerExtension.modeFrom(typo::get, none::get))
        .hasMessage(
            "ctrflow.kafka.mode must be one of [embedded, external, testcontainers]; was 'docker'");
    assertThatThrownBy(() -> KafkaBrokerExtension.external(" "))
        .hasMessageContaining("KAFKA_BOOTSTRAP=127.0.0.1:9092");
  }

  /** External mode pointed at the shared in-JVM broker: used, but never stopped, by the tests. */
  @Test
  void externalModeUsesTheGivenClusterAndLeavesItRunning() throws Exception {
    String bootstrap = KAFKA.cluster().bootstrapServers();
    String prefix = KAFKA.cluster().newTopicPrefix();
    try (KafkaTestCluster external = KafkaBrokerExtension.external(bootstrap).startCluster();
        TopicAdmin admin = external.topicAdmin()) {
      assertThat(external.mode()).isEqualTo(Mode.EXTERNAL);
      admin.createTopics(List.of(Topic.METRICS.spec(prefix)));
      RoundTrip.produce(bootstrap, Topic.METRICS.name(prefix), Map.of("k", "v"));
      assertThat(RoundTrip.consume(external.bootstrapServers(), Topic.METRICS.name(prefix), 1))
          .hasSize(1);
    }
    assertThat(BrokerProbe.answers(bootstrap, Duration.ofSeconds(10))).isTrue();
  }

  @Test
  void testcontainersModeSkipsWithAClearReasonWhereDockerIsMissing() {
    Assumptions.assumeFalse(
        DockerClientFactory.instance().isDockerAvailable(), "Docker answers: nothing to skip");
    assertThatThrownBy(() -> KafkaBrokerExtension.forMode(Mode.TESTCONTAINERS).startCluster())
        .isInstanceOf(TestAbortedException.class)
        .hasMessageContaining("needs a Docker engine and none answers here");
  }
}
