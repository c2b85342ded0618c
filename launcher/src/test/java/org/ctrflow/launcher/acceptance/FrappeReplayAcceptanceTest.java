package org.ctrflow.launcher.acceptance;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.launcher.CtrflowCommand;
import org.ctrflow.launcher.process.PidFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The data path from file to topics, through the real commands: {@code kafka start}, {@code topics
 * create}, {@code replay --format libfm} of the Frappe test split, then exact counts on the topics,
 * then {@code kafka stop}.
 */
class FrappeReplayAcceptanceTest {

  private static final int FRAPPE_TEST_ROWS = 28_860;
  private static final int FRAPPE_TEST_POSITIVES = 9_536;

  @TempDir Path state;

  @AfterEach
  void leaveNoBrokerBehind() throws Exception {
    new PidFile(state.resolve("kafka/kafka.pid")).stop(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(value = 300, unit = TimeUnit.SECONDS)
  void replayLeavesEveryImpressionAndItsClickOnTheTopics() throws Exception {
    Path frappe = SharedData.dataset("frappe/nfm_split/frappe.test.libfm");
    String port = Integer.toString(Ports.freeLoopbackPort());
    String controllerPort = Integer.toString(Ports.freeLoopbackPort());
    String bootstrap = "127.0.0.1:" + port;

    assertThat(
            ctrflow(
                "kafka",
                "start",
                "--state-dir",
                state.toString(),
                "--port",
                port,
                "--controller-port",
                controllerPort,
                "--heap",
                "512m"))
        .isZero();
    assertThat(ctrflow("topics", "create", "--bootstrap", bootstrap)).isZero();
    assertThat(
            ctrflow(
                "replay",
                "--format",
                "libfm",
                "--file",
                frappe.toString(),
                "--bootstrap",
                bootstrap))
        .isZero();

    Set<String> impressionIds = new HashSet<>();
    Set<String> clickedIds = new HashSet<>();
    int impressions = 0;
    int clicks = 0;
    try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
      for (byte[] value : readAll(consumer, Topic.IMPRESSIONS.name(Topic.DEFAULT_PREFIX))) {
        impressionIds.add(EventSerde.IMPRESSION.deserialize(value).id());
        impressions++;
      }
      for (byte[] value : readAll(consumer, Topic.CLICKS.name(Topic.DEFAULT_PREFIX))) {
        Click click = EventSerde.CLICK.deserialize(value);
        clickedIds.add(click.impressionId());
        clicks++;
      }
    }
    assertThat(impressions).isEqualTo(FRAPPE_TEST_ROWS);
    assertThat(impressionIds).hasSize(FRAPPE_TEST_ROWS);
    assertThat(clicks).isEqualTo(FRAPPE_TEST_POSITIVES);
    assertThat(clickedIds).hasSize(FRAPPE_TEST_POSITIVES);
    assertThat(impressionIds).containsAll(clickedIds);

    assertThat(ctrflow("kafka", "stop", "--state-dir", state.toString())).isZero();
    assertThat(new PidFile(state.resolve("kafka/kafka.pid")).liveProcess()).isEmpty();
    assertThat(ctrflow("kafka", "status", "--state-dir", state.toString())).isEqualTo(1);
  }

  private static int ctrflow(String... args) {
    return CtrflowCommand.commandLine().execute(args);
  }

  private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
            5_000);
    return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /** Every record of a topic, up to its end offsets at the time of the call. */
  private static List<byte[]> readAll(KafkaConsumer<byte[], byte[]> consumer, String topic) {
    var partitions =
        consumer.partitionsFor(topic).stream()
            .map(p -> new org.apache.kafka.common.TopicPartition(topic, p.partition()))
            .toList();
    consumer.assign(partitions);
    consumer.seekToBeginning(partitions);
    Map<org.apache.kafka.common.TopicPartition, Long> end = consumer.endOffsets(partitions);
    List<byte[]> values = new java.util.ArrayList<>();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p))) {
      assertThat(System.nanoTime()).as("reading %s in time", topic).isLessThan(deadline);
      consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
    }
    return values;
  }
}
