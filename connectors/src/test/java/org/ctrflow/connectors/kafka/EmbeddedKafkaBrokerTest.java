package org.ctrflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Starts its own brokers (the other tests share one) to cover start, restart and close. */
class EmbeddedKafkaBrokerTest {

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void recordsSurviveARoundTripAndARestartOnTheSameDataDir(@TempDir Path dir) throws Exception {
    KafkaBrokerConfig config = KafkaBrokerConfig.onFreePorts(dir.resolve("data"));
    String topic = Topic.CLICKS.name("embedded");

    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config, false);
        TopicAdmin admin = TopicAdmin.connect(broker.bootstrapServers())) {
      System.out.println("cold start: " + broker.startupTime().toMillis() + " ms");
      assertThat(broker.bootstrapServers()).startsWith("127.0.0.1:");
      admin.createTopics(List.of(Topic.CLICKS.spec("embedded")));
      RoundTrip.produce(broker.bootstrapServers(), topic, Map.of("imp-1", "click-1"));

      List<ConsumerRecord<String, String>> got =
          RoundTrip.consume(broker.bootstrapServers(), topic, 1);
      assertThat(got)
          .extracting(ConsumerRecord::key, ConsumerRecord::value)
          .containsExactly(tuple("imp-1", "click-1"));
    }
    assertThat(KafkaBrokerConfig.isPortFree(config.brokerPort())).isTrue();

    // Same directory again: formatting is skipped, so topics and records are still there.
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(config, true)) {
      System.out.println("restart: " + broker.startupTime().toMillis() + " ms");
      assertThat(RoundTrip.consume(broker.bootstrapServers(), topic, 1))
          .extracting(ConsumerRecord::value)
          .containsExactly("click-1");
    }
    assertThat(config.dataDir()).doesNotExist();
  }
}
