package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Servable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two models in one server, refreshed from one topic: each request is scored by the model it names
 * and stamped with that model's version, and refreshing one leaves the other untouched.
 */
class TwoModelsTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String ROW = "{\"rows\": [{\"user\": \"7\", \"item\": \"1200\"}]}";

  @TempDir Path store;

  /** One answer of the compact endpoint. */
  private record Answer(int status, String model, long version, double score) {}

  @Test
  @Timeout(180)
  void eachRequestIsScoredByTheModelItNamesAndRefreshingOneLeavesTheOtherAlone() throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix)));
    }
    try (TrainerSide finalmlp =
            new TrainerSide("finalmlp", store, kafka.bootstrapServers(), prefix);
        TrainerSide dnn = new TrainerSide("dnn", store, kafka.bootstrapServers(), prefix);
        ModelServer server =
            ModelServer.start(
                ServingConfig.defaults()
                    .with(ServingConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .with(ServingConfig.TOPIC_PREFIX, prefix)
                    .with(ServingConfig.PORT, Ports.freeLoopbackPort())
                    .with(ServingConfig.MODEL_STORE, store.toString())
                    .with(ServingConfig.MODELS, "finalmlp,dnn"))) {
      Http http = new Http(server.port());
      URI dnnV1 = URI.create(dnn.announceSnapshot().location());
      finalmlp.publishSnapshot();
      for (int i = 0; i < 3; i++) {
        finalmlp.publishDelta(false);
      }
      Awaitility.await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> ask(http, "finalmlp").version() == 4 && ask(http, "dnn").version() == 1);

      // Scored by the model named: dnn's answer is what its stored version 1 gives the row.
      Answer fromDnn = ask(http, "dnn");
      assertThat(fromDnn.model()).isEqualTo("dnn");
      try (Servable expected = Servable.load(new DirectoryModelStore(store).get(dnnV1))) {
        double local =
            expected.score(List.of(new FeatureRow(Map.of("user", "7", "item", "1200"), Map.of())))
                .probabilities()[0];
        assertThat(fromDnn.score()).isEqualTo(local);
      }
      Answer fromFinalmlp = ask(http, "finalmlp");
      assertThat(fromFinalmlp.model()).isEqualTo("finalmlp");
      assertThat(fromFinalmlp.score()).isNotEqualTo(fromDnn.score());
      JsonNode oip =
          Json.MAPPER.readTree(
              http.post(
                      "/v2/models/dnn/infer",
                      "{\"inputs\": [{\"name\": \"user\", \"datatype\": \"BYTES\", \"shape\": [1],"
                          + " \"data\": [\"7\"]}]}")
                  .body());
      assertThat(oip.get("model_name").asText()).isEqualTo("dnn");
      assertThat(oip.get("model_version").asText()).isEqualTo("1");

      // dnn refreshes (deltas and a snapshot) under load on finalmlp.
      List<Answer> finalmlpAnswers = new CopyOnWriteArrayList<>();
      AtomicBoolean loading = new AtomicBoolean(true);
      Thread client =
          new Thread(
              () -> {
                while (loading.get()) {
                  try {
                    finalmlpAnswers.add(ask(http, "finalmlp"));
                  } catch (Exception e) {
                    finalmlpAnswers.add(new Answer(-1, e.toString(), -1, -1));
                  }
                }
              });
      client.start();
      String updatesBefore = updates(http, "finalmlp");
      try {
        dnn.publishDelta(false);
        dnn.publishDelta(false);
        dnn.publishSnapshot();
        dnn.publishDelta(false);
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(() -> ask(http, "dnn").version() == 5);
      } finally {
        loading.set(false);
        client.join(30_000);
      }
      assertThat(finalmlpAnswers).isNotEmpty();
      assertThat(finalmlpAnswers)
          .allSatisfy(
              a -> assertThat(a).isEqualTo(new Answer(200, "finalmlp", 4, fromFinalmlp.score())));
      assertThat(updates(http, "finalmlp")).isEqualTo(updatesBefore);
      Answer dnnNow = ask(http, "dnn");
      assertThat(dnnNow.model()).isEqualTo("dnn");
      assertThat(dnnNow.score()).isNotEqualTo(fromDnn.score());
      assertThat(http.get("/metrics").body())
          .contains("ctrflow_serving_model_version{model=\"finalmlp\"} 4.0")
          .contains("ctrflow_serving_model_version{model=\"dnn\"} 5.0");
      assertThat(http.get("/v2/models/finalmlp").body())
          .contains("\"versions\":[\"2\",\"3\",\"4\"]");
    }
  }

  private static Answer ask(Http http, String model) throws Exception {
    var response = http.post("/v1/ctr/" + model, ROW);
    JsonNode body = Json.MAPPER.readTree(response.body());
    if (response.statusCode() != 200) {
      return new Answer(response.statusCode(), body.toString(), -1, -1);
    }
    return new Answer(
        200,
        body.get("model").asText(),
        body.get("version").asLong(),
        body.get("scores").get(0).asDouble());
  }

  /** The model's lines of the model-updates counter. */
  private static String updates(Http http, String model) throws Exception {
    String prefix = "ctrflow_serving_model_updates_total{model=\"" + model + "\"";
    return String.join(
        "\n", http.get("/metrics").body().lines().filter(l -> l.startsWith(prefix)).toList());
  }
}
