package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each kind of background worker of a running server (real broker, store and model) is killed the
 * way a fault would end it, by an interrupt that makes its loop throw: readiness goes false while
 * it is down, the restart is counted, and it comes back and works. The restart waits three seconds
 * here, so the test sees the not-ready window for certain.
 */
@Timeout(120)
class SupervisedWorkersTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String ONE_ROW = "{\"rows\": [{\"user\": \"3\", \"item\": \"1200\"}]}";

  @TempDir static Path store;

  private static TrainerSide trainer;
  private static ModelServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix)));
    }
    trainer = new TrainerSide(store, kafka.bootstrapServers(), prefix);
    trainer.publishSnapshot();
    server =
        ModelServer.start(
            ServingConfig.defaults()
                .with(ServingConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(ServingConfig.TOPIC_PREFIX, prefix)
                .with(ServingConfig.PORT, Ports.freeLoopbackPort())
                .with(ServingConfig.MODEL_STORE, store.toString())
                .with(ServingConfig.WORKER_RESTART_BACKOFF, Duration.ofSeconds(3)));
    http = new Http(server.port());
    // The announcement of version 1, read from the topic after the store gave version 1.
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric(updates("ignored")) == 1);
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
    if (trainer != null) {
      trainer.close();
    }
  }

  @Test
  void aBatcherThatDiesMakesTheServerNotReadyUntilItIsRestarted() throws Exception {
    killAndAwaitRecovery("batcher-finalmlp");
    assertThat(http.post("/v1/ctr/finalmlp", ONE_ROW).statusCode()).isEqualTo(200);
  }

  @Test
  void aRefresherThatDiesReconnectsAndGoesOnAfterTheLastEventItHandled() throws Exception {
    long updated = metric(updates("updated"));
    killAndAwaitRecovery("model-refresher");
    long version = trainer.publishDelta(false);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> metric(updates("updated")) == updated + 1);
    assertThat(
            Json.MAPPER
                .readTree(http.post("/v1/ctr/finalmlp", ONE_ROW).body())
                .get("version")
                .asLong())
        .isEqualTo(version);
    assertThat(metric(updates("ignored")))
        .as("the topic was not read again from its beginning")
        .isEqualTo(1);
  }

  private static void killAndAwaitRecovery(String worker) throws Exception {
    assertThat(http.get(InferenceServer.READY_PATH).statusCode()).isEqualTo(200);
    String restarts = "ctrflow_serving_worker_restarts_total{worker=\"" + worker + "\"}";
    long before = metric(restarts);
    Thread thread =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals(worker))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no thread named " + worker));
    thread.interrupt();
    Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .pollInterval(Duration.ofMillis(50))
        .until(() -> http.get(InferenceServer.READY_PATH).statusCode() == 503);
    HttpResponse<String> notReady = http.get(InferenceServer.READY_PATH);
    assertThat(notReady.body()).contains("\"workers_down\":[\"" + worker + "\"]");
    assertThat(metric(restarts)).isEqualTo(before + 1);
    assertThat(http.get(InferenceServer.LIVE_PATH).statusCode()).isEqualTo(200);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get(InferenceServer.READY_PATH).statusCode() == 200);
    assertThat(metric("ctrflow_serving_worker_up{worker=\"" + worker + "\"}")).isEqualTo(1);
  }

  private static String updates(String outcome) {
    return "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\""
        + outcome
        + "\",reason=\"\"}";
  }

  private static long metric(String series) throws Exception {
    return http.get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(series + " "))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(series.length() + 1)))
        .findFirst()
        .orElse(0);
  }
}
