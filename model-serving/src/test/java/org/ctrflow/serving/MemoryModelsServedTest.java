package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Servable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The memory models are served by name like the others: the server loads their snapshot (memory
 * included) from the store, applies a delta from the topic, and answers with the score the stored
 * and updated model gives.
 */
class MemoryModelsServedTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String ROW = "{\"rows\": [{\"user\": \"7\", \"item\": \"1200\"}]}";
  private static final FeatureRow FEATURES =
      new FeatureRow(Map.of("user", "7", "item", "1200"), Map.of());

  @TempDir Path store;

  @ParameterizedTest
  @ValueSource(strings = {"memnet", "hybrid"})
  @Timeout(180)
  void aMemoryModelIsLoadedRefreshedAndScored(String model) throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix)));
    }
    try (TrainerSide trainer = new TrainerSide(model, store, kafka.bootstrapServers(), prefix);
        ModelServer server =
            ModelServer.start(
                ServingConfig.defaults()
                    .with(ServingConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .with(ServingConfig.TOPIC_PREFIX, prefix)
                    .with(ServingConfig.PORT, Ports.freeLoopbackPort())
                    .with(ServingConfig.MODEL_STORE, store.toString())
                    .with(ServingConfig.MODELS, model))) {
      Http http = new Http(server.port());
      URI first = URI.create(trainer.announceSnapshot().location());
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> version(http, model) == 1);
      double servedFirst = score(http, model);
      try (Servable stored = Servable.load(new DirectoryModelStore(store).get(first))) {
        assertThat(servedFirst).isEqualTo(stored.score(List.of(FEATURES)).probabilities()[0]);
      }

      trainer.publishDelta(false);
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> version(http, model) == 2);
      // The delta carries the step's weights and memory: the served score is the trainer's own.
      try (Servable updated = trainer.current()) {
        assertThat(score(http, model))
            .isNotEqualTo(servedFirst)
            .isEqualTo(updated.score(List.of(FEATURES)).probabilities()[0]);
      }
    }
  }

  private static JsonNode answer(Http http, String model) throws Exception {
    var response = http.post("/v1/ctr/" + model, ROW);
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    JsonNode body = Json.MAPPER.readTree(response.body());
    assertThat(body.get("model").asText()).isEqualTo(model);
    return body;
  }

  private static long version(Http http, String model) throws Exception {
    var response = http.post("/v1/ctr/" + model, ROW);
    return response.statusCode() == 200
        ? Json.MAPPER.readTree(response.body()).get("version").asLong()
        : -1;
  }

  private static double score(Http http, String model) throws Exception {
    return answer(http, model).get("scores").get(0).asDouble();
  }
}
