package org.ctrflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.tuple;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.kafka.TopicAdmin.Outcome;
import org.ctrflow.connectors.kafka.TopicAdmin.Result;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.connectors.topics.TopicSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(KafkaBrokerExtension.class)
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class TopicAdminTest {

  @Test
  void createsEveryTopicOnceAndReportsTheSecondRunAsExisted(KafkaTestCluster kafka)
      throws IOException {
    String prefix = kafka.newTopicPrefix();
    List<TopicSpec> specs = Topic.specs(prefix);
    try (TopicAdmin admin = kafka.topicAdmin()) {
      List<Result> first = admin.createTopics(specs);
      List<Result> second = admin.createTopics(specs);

      assertThat(first).extracting(Result::outcome).containsOnly(Outcome.CREATED);
      assertThat(second).extracting(Result::outcome).containsOnly(Outcome.EXISTED);
      assertThat(second)
          .extracting(r -> r.spec().name(), Result::partitions)
          .containsExactlyElementsOf(
              specs.stream().map(s -> tuple(s.name(), s.partitions())).toList());
      assertThat(admin.listTopics()).containsAll(specs.stream().map(TopicSpec::name).toList());
    }
  }

  @Test
  void topicsCarryTheirDeclaredConfigs(KafkaTestCluster kafka) throws IOException {
    String prefix = kafka.newTopicPrefix();
    String updates = Topic.MODEL_UPDATES.name(prefix);
    String clicks = Topic.CLICKS.name(prefix);
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix), Topic.CLICKS.spec(prefix)));

      Map<String, Map<String, String>> configs = admin.configs(List.of(updates, clicks));
      assertThat(configs.get(updates)).containsEntry("cleanup.policy", "compact");
      assertThat(configs.get(clicks))
          .containsEntry("cleanup.policy", "delete")
          .containsEntry("retention.ms", Long.toString(TimeUnit.DAYS.toMillis(7)))
          .containsEntry("max.message.bytes", Integer.toString(Topic.MAX_MESSAGE_BYTES));
      assertThat(admin.describe(List.of(clicks)).get(clicks).partitions()).hasSize(4);
    }
  }

  @Test
  void saysSoWhenAnExistingTopicHasFewerPartitionsThanDeclared(KafkaTestCluster kafka)
      throws IOException {
    String name = kafka.newTopicPrefix() + ".narrow";
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(new TopicSpec(name, 1, Map.of())));

      Result result = admin.createTopics(List.of(new TopicSpec(name, 4, Map.of()))).get(0);

      assertThat(result.outcome()).isEqualTo(Outcome.EXISTED_WITH_FEWER_PARTITIONS);
      assertThat(result.partitions()).isEqualTo(1);
      assertThat(result.describeOutcome()).contains("has 1 partitions where 4 are declared");
    }
  }

  @Test
  void rejectsImpossibleReplicationFactorsWithTheReason(KafkaTestCluster kafka) {
    TopicSpec spec = new TopicSpec(kafka.newTopicPrefix() + ".replicated", 1, Map.of());
    try (TopicAdmin admin = kafka.topicAdmin()) {
      assertThatThrownBy(() -> admin.createTopics(List.of(spec), (short) 0))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("at least 1");
      assertThatThrownBy(() -> admin.createTopics(List.of(spec), (short) 3))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("creating topic " + spec.name() + " failed");
    }
  }

  @Test
  void namesTheAddressWhenNoBrokerAnswers() throws IOException {
    int unused = Ports.freeLoopbackPort();
    try (TopicAdmin admin = TopicAdmin.connect("127.0.0.1:" + unused, Duration.ofSeconds(1))) {
      assertThatThrownBy(admin::listTopics)
          .isInstanceOf(IOException.class)
          .hasMessageContaining("no Kafka broker answered at 127.0.0.1:" + unused);
    }
  }
}
