package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ctrflow.labelqueue.QueueTestKit.ALICE_TOKEN;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.testing.ChildKafkaBroker;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Freezes the broker (SIGSTOP of its JVM) for longer than every Kafka client timeout of the queue
 * while requests stream in and labels are given: the queue must say it is not ready while it cannot
 * reach Kafka, recover by itself once the broker is back, and lose or double nothing it
 * acknowledged. Client timeouts are a few seconds here (defaults are a minute) to keep it short.
 */
@Timeout(240)
class BrokerStallTest {

  /** Longer than every timeout in {@link #CLIENT_SETTINGS} and the group's session timeout. */
  static final Duration STALL = Duration.ofSeconds(20);

  static final String CLIENT_SETTINGS =
      """
      request.timeout.ms=3000
      default.api.timeout.ms=5000
      max.block.ms=5000
      delivery.timeout.ms=8000
      transaction.timeout.ms=10000
      session.timeout.ms=6000
      heartbeat.interval.ms=1000
      reconnect.backoff.max.ms=1000
      interceptor.classes=org.ctrflow.labelqueue.StallingInterceptor
      """;

  @TempDir Path dir;

  @Test
  void kafkaWorkersSurviveABrokerStallAndReadinessSaysSo() throws Exception {
    try (ChildKafkaBroker broker = ChildKafkaBroker.start(dir.resolve("kafka"), "384m")) {
      QueueTestKit kit = new QueueTestKit(broker.bootstrapServers(), "stall");
      Path clientProps = dir.resolve("client.properties");
      Files.writeString(clientProps, CLIENT_SETTINGS);
      QueueOptions o = kit.options(dir.resolve("db"));
      o.kafkaProperties = clientProps;
      try (LabelQueueService service = kit.start(o, null)) {
        int port = service.port();
        await().atMost(Duration.ofSeconds(60)).until(() -> ready(kit, port));

        Set<String> acknowledged = ConcurrentHashMap.newKeySet();
        AtomicBoolean producing = new AtomicBoolean(true);
        Thread producer = new Thread(() -> stream(kit, clientProps, acknowledged, producing));
        producer.start();
        List<String> labeled = new ArrayList<>();
        try {
          await().atMost(Duration.ofSeconds(30)).until(() -> acknowledged.size() >= 30);
          labeled.addAll(labelSome(kit, service, port, 5));

          CountDownLatch paused = new CountDownLatch(1);
          StallingInterceptor.arm(
              Topic.LABEL_REQUESTS.name(kit.prefix),
              () -> {
                try {
                  broker.pause();
                } catch (Exception e) {
                  throw new IllegalStateException(e);
                }
                paused.countDown();
              });
          assertThat(paused.await(30, TimeUnit.SECONDS)).isTrue();
          long pausedAt = System.nanoTime();
          try {
            // Labels keep being accepted (they wait in the outbox) while the publisher is stuck.
            labeled.addAll(labelSome(kit, service, port, 5));
            await()
                .atMost(STALL)
                .pollInterval(Duration.ofMillis(250))
                .until(() -> !ready(kit, port));
            Thread.sleep(
                Math.max(0, STALL.toMillis() - (System.nanoTime() - pausedAt) / 1_000_000));
          } finally {
            broker.resume();
          }
          await()
              .atMost(Duration.ofSeconds(90))
              .pollInterval(Duration.ofMillis(250))
              .until(() -> ready(kit, port));
          await().atMost(Duration.ofSeconds(10)).until(() -> acknowledged.size() >= 150);
        } finally {
          producing.set(false);
          producer.join();
        }
        // Every request the broker acknowledged became a task, stall or not.
        await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () -> acknowledged.stream().allMatch(id -> service.queue().find(id).isPresent()));
        labeled.addAll(labelSome(kit, service, port, 5));

        List<HumanLabel> published = kit.humanLabels(labeled.size(), Duration.ofSeconds(60));
        assertThat(published).extracting(HumanLabel::sampleId).doesNotHaveDuplicates();
        assertThat(published)
            .extracting(HumanLabel::sampleId)
            .containsExactlyInAnyOrderElementsOf(labeled);
        for (String worker : List.of("request-ingestor", "label-publisher")) {
          assertThat(
                  kit.metric(port, "labelqueue_worker_restarts_total{worker=\"" + worker + "\"}"))
              .as(worker)
              .isPositive();
        }
      }
    }
  }

  private static boolean ready(QueueTestKit kit, int port) {
    try {
      return kit.call(port, "GET", "/ready", null, null).statusCode() == 200;
    } catch (Exception e) {
      return false;
    }
  }

  /** Leases and labels {@code n} tasks as Alice; returns their sample ids. */
  private static List<String> labelSome(
      QueueTestKit kit, LabelQueueService service, int port, int n) throws Exception {
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      String id =
          QueueTestKit.json(kit.call(port, "POST", "/api/tasks/lease", ALICE_TOKEN, "{}"))
              .path("request")
              .path("sampleId")
              .asText();
      QueueTestKit.json(
          kit.call(port, "POST", "/api/tasks/" + id + "/label", ALICE_TOKEN, "{\"label\":1}"));
      ids.add(id);
    }
    return ids;
  }

  /** Sends a request every 20 ms; notes the ones the broker acknowledged. */
  private static void stream(
      QueueTestKit kit, Path clientProps, Set<String> acknowledged, AtomicBoolean producing) {
    Properties p = KafkaClientProperties.load(clientProps);
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kit.bootstrap);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; producing.get(); i++) {
        String id = "st-" + i;
        try {
          producer.send(
              new ProducerRecord<>(
                  Topic.LABEL_REQUESTS.name(kit.prefix),
                  id.getBytes(StandardCharsets.UTF_8),
                  EventSerde.LABEL_REQUEST.serialize(QueueTestKit.request(id, 0.5))),
              (meta, e) -> {
                if (e == null) {
                  acknowledged.add(id);
                }
              });
        } catch (RuntimeException e) {
          // Blocked on metadata while the broker is frozen: this one was never acknowledged.
        }
        try {
          Thread.sleep(20);
        } catch (InterruptedException e) {
          return;
        }
      }
    }
  }
}
