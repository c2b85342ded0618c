package org.ctrflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.strimzi.api.kafka.model.kafka.Kafka;
import io.strimzi.api.kafka.model.nodepool.KafkaNodePool;
import io.strimzi.api.kafka.model.topic.KafkaTopic;
import io.strimzi.api.kafka.model.user.KafkaUser;
import io.strimzi.api.kafka.model.user.KafkaUserAuthorizationSimple;
import io.strimzi.api.kafka.model.user.acl.AclRule;
import io.strimzi.api.kafka.model.user.acl.AclRuleTopicResource;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.connectors.topics.TopicSpec;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The Strimzi resources against the code: topics as the Topic enum declares them, least-privilege
 * users.
 */
class KafkaManifestTest {

  static Stream<String> overlays() {
    return Rendered.overlays();
  }

  private static <T> List<T> typed(String overlay, String kind, Class<T> type) {
    return KustomizeRenderer.ofKind(Rendered.overlay(overlay), kind).stream()
        .map(o -> type.cast(TypedModels.read(o)))
        .toList();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyDeclaredTopicHasAKafkaTopicWithItsPartitionsAndConfigs(String overlay) {
    Map<String, KafkaTopic> byName =
        typed(overlay, "KafkaTopic", KafkaTopic.class).stream()
            .collect(Collectors.toMap(t -> t.getSpec().getTopicName(), t -> t));
    List<TopicSpec> declared = Topic.specs(Topic.DEFAULT_PREFIX);
    assertThat(byName.keySet())
        .containsExactlyInAnyOrderElementsOf(declared.stream().map(TopicSpec::name).toList());
    for (TopicSpec spec : declared) {
      KafkaTopic topic = byName.get(spec.name());
      assertThat(topic.getSpec().getPartitions()).as(spec.name()).isEqualTo(spec.partitions());
      Map<String, String> configs = new HashMap<>();
      topic.getSpec().getConfig().forEach((k, v) -> configs.put(k, String.valueOf(v)));
      assertThat(configs).as(spec.name()).isEqualTo(spec.configs());
      assertThat(topic.getMetadata().getLabels()).containsEntry("strimzi.io/cluster", "ctrflow");
    }
    assertThat(byName.get(Topic.MODEL_UPDATES.name(Topic.DEFAULT_PREFIX)).getSpec().getConfig())
        .containsEntry("cleanup.policy", "compact");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void replicationFitsTheNodePool(String overlay) {
    Kafka kafka = typed(overlay, "Kafka", Kafka.class).get(0);
    int nodes =
        typed(overlay, "KafkaNodePool", KafkaNodePool.class).stream()
            .filter(p -> p.getSpec().getRoles().toString().contains("BROKER"))
            .mapToInt(p -> p.getSpec().getReplicas())
            .sum();
    Map<String, Object> config = kafka.getSpec().getKafka().getConfig();
    int rf = ((Number) config.get("default.replication.factor")).intValue();
    int minIsr = ((Number) config.get("min.insync.replicas")).intValue();
    assertThat(rf).isLessThanOrEqualTo(nodes);
    assertThat(((Number) config.get("offsets.topic.replication.factor")).intValue()).isEqualTo(rf);
    assertThat(((Number) config.get("transaction.state.log.replication.factor")).intValue())
        .isEqualTo(rf);
    // Acks=all writes need min ISR replicas; one node may be down only where min ISR < RF.
    assertThat(minIsr).isLessThanOrEqualTo(rf);
    if (overlay.equals("prod")) {
      assertThat(minIsr).isLessThan(rf);
    }
    assertThat(config).containsEntry("auto.create.topics.enable", false);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyComponentHasAUserAllowedExactlyTheTopicsItUses(String overlay) {
    Map<String, KafkaUser> users =
        typed(overlay, "KafkaUser", KafkaUser.class).stream()
            .collect(Collectors.toMap(u -> u.getMetadata().getName(), u -> u));
    assertThat(users.keySet())
        .containsExactlyInAnyOrderElementsOf(
            Components.ALL.stream().map(Components::resourceName).toList());
    Set<String> declared =
        Topic.specs(Topic.DEFAULT_PREFIX).stream().map(TopicSpec::name).collect(Collectors.toSet());
    for (Components c : Components.ALL) {
      List<AclRule> acls =
          ((KafkaUserAuthorizationSimple) users.get(c.resourceName()).getSpec().getAuthorization())
              .getAcls();
      Set<String> reads = new TreeSet<>();
      Set<String> writes = new TreeSet<>();
      for (AclRule rule : acls) {
        if (rule.getResource() instanceof AclRuleTopicResource topic) {
          assertThat(topic.getPatternType().toValue())
              .as("%s: topic ACLs are literal", c)
              .isEqualTo("literal");
          assertThat(declared)
              .as("%s: ACL on an undeclared topic", c.name())
              .contains(topic.getName());
          String suffix = topic.getName().substring(Topic.DEFAULT_PREFIX.length() + 1);
          String ops = rule.getOperations().toString();
          if (ops.contains("READ")) {
            reads.add(suffix);
          }
          if (ops.contains("WRITE")) {
            writes.add(suffix);
          }
          assertThat(ops).as("%s on %s", c.name(), suffix).doesNotContain("ALL", "DELETE", "ALTER");
        } else {
          // Groups and transactional ids only under the component's own prefix.
          String name = rule.getResource().toString();
          assertThat(name).as(c.name()).contains("name=" + c.resourceName());
        }
      }
      assertThat(reads).as("%s reads", c.name()).isEqualTo(new TreeSet<>(c.reads()));
      assertThat(writes).as("%s writes", c.name()).isEqualTo(new TreeSet<>(c.writes()));
    }
  }
}
