package org.ctrflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension.Mode;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Runs against a Kafka container where Docker answers; skipped (never failed) elsewhere. */
class TestcontainersModeTest {

  @RegisterExtension
  static final KafkaBrokerExtension KAFKA = KafkaBrokerExtension.forMode(Mode.TESTCONTAINERS);

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void roundTripThroughAContainer() throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.CLICKS.spec(prefix)));
    }
    RoundTrip.produce(kafka.bootstrapServers(), Topic.CLICKS.name(prefix), Map.of("a", "b"));
    assertThat(RoundTrip.consume(kafka.bootstrapServers(), Topic.CLICKS.name(prefix), 1))
        .hasSize(1);
  }
}
