package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.launcher.process.PidFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The simulated labeler against the real labeling queue in its own JVM: label requests in, human
 * labels with the ground truth out, unknown samples skipped, and nothing left running after.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(180)
class SimulatedLabelerTest {

  /** The queue's build directory, relative to the launcher module (surefire's working dir). */
  static final Path QUEUE_HOME = Path.of("..", "active-learning", "labeling-queue", "target");

  @TempDir Path dir;

  @Test
  void answersFromTheGroundTruthThroughTheQueue(KafkaTestCluster kafka) throws Exception {
    Assumptions.assumeTrue(
        Files.isRegularFile(QUEUE_HOME.resolve("ctrflow-labeling-queue.jar")),
        "skipping: the labeling queue is not packaged in "
            + QUEUE_HOME.toAbsolutePath().normalize()
            + " (./mvnw -pl active-learning/labeling-queue -am package builds it)");
    String prefix = kafka.newTopicPrefix();
    String bootstrap = kafka.bootstrapServers();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }
    GroundTruth truth = new GroundTruth(100);
    truth.impression("s-click");
    truth.click("s-click");
    truth.impression("s-none");
    produce(bootstrap, prefix, List.of("s-click", "s-none", "s-unknown"));

    StatusBoard board = new StatusBoard(System::currentTimeMillis, () -> 0, 10);
    PidFile pid = new PidFile(dir.resolve("queue.pid"));
    ProcessHandle child;
    SimulatedLabeler labeler;
    LabelQueueProcess queue =
        LabelQueueProcess.create(
            QUEUE_HOME,
            bootstrap,
            prefix,
            Ports.freeLoopbackPort(),
            dir.resolve("queue"),
            null,
            dir.resolve("queue.log"),
            pid);
    child = queue.start();
    try {
      queue.awaitReady();
      labeler =
          new SimulatedLabeler(
                  new QueueClient(queue.url(), queue.botToken()),
                  truth,
                  board,
                  Duration.ofMillis(50),
                  true,
                  id -> {})
              .start();
      try {
        await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> labeler.labeled() == 2 && labeler.skipped() >= 1);
        await()
            .atMost(Duration.ofSeconds(10))
            .untilAsserted(() -> assertThat(board.snapshot().queueLabeled()).isEqualTo(2));
      } finally {
        labeler.close();
      }
    } finally {
      PidFile.terminate(child, LabelQueueProcess.STOP_GRACE);
    }
    assertThat(child.isAlive()).isFalse();
    assertThat(pid.liveProcess()).isEmpty();
    assertThat(board.snapshot().labelsAnswered()).isEqualTo(2);

    Map<String, Integer> labels = new java.util.HashMap<>();
    for (HumanLabel l : humanLabels(bootstrap, prefix, 2)) {
      labels.put(l.sampleId(), l.label());
    }
    assertThat(labels).containsExactlyInAnyOrderEntriesOf(Map.of("s-click", 1, "s-none", 0));
  }

  private static void produce(String bootstrap, String prefix, List<String> ids) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, byte[]> producer =
        new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer())) {
      double uncertainty = 0.9;
      for (String id : ids) {
        LabelRequest r =
            new LabelRequest(
                id,
                1_000,
                Map.of("user", "1"),
                Map.of(),
                0.5,
                uncertainty,
                0.5,
                "entropy",
                "finalmlp",
                1);
        uncertainty -= 0.1;
        producer
            .send(
                new ProducerRecord<>(
                    Topic.LABEL_REQUESTS.name(prefix),
                    r.key(),
                    EventSerde.LABEL_REQUEST.serialize(r)))
            .get();
      }
    }
  }

  private static List<HumanLabel> humanLabels(String bootstrap, String prefix, int n) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, prefix + "-check");
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<HumanLabel> out = new ArrayList<>();
    try (KafkaConsumer<String, byte[]> c =
        new KafkaConsumer<>(p, new StringDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topic.HUMAN_LABELS.name(prefix)));
      long deadline = System.currentTimeMillis() + 30_000;
      while (out.size() < n && System.currentTimeMillis() < deadline) {
        for (ConsumerRecord<String, byte[]> r : c.poll(Duration.ofMillis(500))) {
          out.add(EventSerde.HUMAN_LABEL.deserialize(r.value()));
        }
      }
    }
    return out;
  }
}
