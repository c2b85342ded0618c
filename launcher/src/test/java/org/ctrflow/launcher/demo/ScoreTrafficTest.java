package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.TopicRecords;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Score requests start with the model server's first answer: a real broker, and an HTTP endpoint
 * standing in for the model server that answers 503 until it has a model.
 */
@ExtendWith(KafkaBrokerExtension.class)
@Timeout(120)
class ScoreTrafficTest {

  @Test
  void noScoreRequestIsSentBeforeTheServerAnswersWithAModel(KafkaTestCluster kafka)
      throws Exception {
    String prefix = kafka.newTopicPrefix();
    String bootstrap = kafka.bootstrapServers();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }
    AtomicBoolean hasModel = new AtomicBoolean();
    AtomicInteger unavailable = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/v1/ctr/finalmlp",
        exchange -> {
          exchange.getRequestBody().readAllBytes();
          byte[] body =
              (hasModel.get() ? "{\"model\":\"finalmlp\",\"version\":1,\"scores\":[0.2]}" : "{}")
                  .getBytes(StandardCharsets.UTF_8);
          if (!hasModel.get()) {
            unavailable.incrementAndGet();
          }
          exchange.sendResponseHeaders(hasModel.get() ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    StatusBoard board = new StatusBoard(System::currentTimeMillis, () -> 0, 100);
    try {
      try (ScoreTraffic traffic = new ScoreTraffic(bootstrap, prefix, board, id -> {})) {
        traffic.accept(impression("before-probe"));
        traffic.probe(
            URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/"), "finalmlp");
        await().atMost(Duration.ofSeconds(30)).until(() -> unavailable.get() >= 2);
        traffic.accept(impression("while-503"));
        assertThat(traffic.requests()).isZero();
        assertThat(traffic.beforeFirstModel()).isEqualTo(2);

        hasModel.set(true);
        await().atMost(Duration.ofSeconds(30)).until(() -> board.snapshot().served() != null);
        traffic.accept(impression("after-first-model"));
        assertThat(traffic.requests()).isEqualTo(1);
      }
      assertThat(
              TopicRecords.readToEnd(
                      bootstrap,
                      Topic.SCORE_REQUESTS.name(prefix),
                      "read_uncommitted",
                      Duration.ofSeconds(30))
                  .stream()
                  .map(v -> EventSerde.SCORE_REQUEST.deserialize(v).requestId()))
          .containsExactly("after-first-model");
    } finally {
      server.stop(0);
    }
  }

  private static Impression impression(String id) {
    return new Impression(id, 1_700_000_000_000L, Map.of("user", "u1"), Map.of());
  }
}
