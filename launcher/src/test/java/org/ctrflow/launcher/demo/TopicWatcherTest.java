package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/** The status board fed from real topics on a real broker. */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(120)
class TopicWatcherTest {

  @Test
  void metricsVersionsAndHumanLabelsReachTheBoard(KafkaTestCluster kafka) throws Exception {
    String prefix = kafka.newTopicPrefix();
    String bootstrap = kafka.bootstrapServers();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }
    StatusBoard board = new StatusBoard(System::currentTimeMillis, () -> 0, 100);
    String group = prefix + "-training";
    RecordMetadata human;
    try (KafkaProducer<String, byte[]> producer = producer(bootstrap)) {
      String metrics = Topic.METRICS.name(prefix);
      producer.send(new ProducerRecord<>(metrics, "serving/x", "{\"other\":1}".getBytes()));
      producer.send(
          new ProducerRecord<>(
              metrics, "training/finalmlp", StatusBoardTest.report("finalmlp", 3, 0.81)));
      for (long v = 1; v <= 3; v++) {
        ModelUpdate u =
            ModelUpdate.builder()
                .setModelName("finalmlp")
                .setVersion(v)
                .setKind(ModelUpdate.Kind.SNAPSHOT)
                .setSha256("a".repeat(64))
                .setSizeBytes(10)
                .setPublishedAt(1_000 + v)
                .optLocation("file:/store/finalmlp-" + v)
                .build();
        producer.send(
            new ProducerRecord<>(
                Topic.MODEL_UPDATES.name(prefix), u.key(), EventSerde.MODEL_UPDATE.serialize(u)));
      }
      String examples = Topic.LABELED_EXAMPLES.name(prefix);
      producer.send(
          new ProducerRecord<>(
              examples,
              0,
              "c1",
              EventSerde.LABELED_EXAMPLE.serialize(example("c1", LabelSource.CLICK_JOIN))));
      human =
          producer
              .send(
                  new ProducerRecord<>(
                      examples,
                      0,
                      "h1",
                      EventSerde.LABELED_EXAMPLE.serialize(example("h1", LabelSource.HUMAN))))
              .get();
    }

    try (TopicWatcher watcher = new TopicWatcher(board, bootstrap, prefix, group).start()) {
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(
              () -> {
                DemoStatus s = board.snapshot();
                assertThat(s.models()).hasSize(1);
                assertThat(s.models().get(0).versionsPublished()).isEqualTo(3);
                assertThat(s.models().get(0).auc()).isEqualTo(0.81);
                assertThat(s.humanExamples()).isEqualTo(1);
              });
      // Training has not consumed the human example yet...
      assertThat(board.snapshot().humanExamplesTrained()).isZero();
      // ...until its group commits past it, as the training job does on a checkpoint.
      commit(bootstrap, group, new TopicPartition(human.topic(), 0), human.offset() + 1);
      await()
          .atMost(Duration.ofSeconds(30))
          .untilAsserted(() -> assertThat(board.snapshot().humanExamplesTrained()).isEqualTo(1));
      assertThat(watcher.failure()).isNull();
    }
  }

  private static LabeledExample example(String id, LabelSource source) {
    return new LabeledExample(id, 1_000, Map.of("user", "1"), Map.of(), 1, 1.0, source);
  }

  private static KafkaProducer<String, byte[]> producer(String bootstrap) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
  }

  private static void commit(String bootstrap, String group, TopicPartition tp, long offset) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.assign(java.util.List.of(tp));
      c.commitSync(Map.of(tp, new OffsetAndMetadata(offset)));
    }
  }
}
