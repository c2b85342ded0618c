package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpRequest;
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

@Timeout(120)
class ServingApiTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir static Path store;

  private static ModelServer server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix)));
    }
    TrainerSide trainer = new TrainerSide(store, kafka.bootstrapServers(), prefix);
    // Version 1 from the store at start-up, version 2 as a delta from the topic.
    trainer.storeSnapshot();
    server =
        ModelServer.start(
            ServingConfig.defaults()
                .with(ServingConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                .with(ServingConfig.TOPIC_PREFIX, prefix)
                .with(ServingConfig.PORT, Ports.freeLoopbackPort())
                .with(ServingConfig.MODEL_STORE, store.toString())
                .with(ServingConfig.MODELS, "finalmlp,dnn")
                .with(ServingConfig.MAX_ROWS, 100)
                .with(ServingConfig.MAX_BODY_BYTES, 16_384)
                .with(ServingConfig.ADMIN_TOKEN, "s3cret"));
    http = new Http(server.port());
    try (trainer) {
      trainer.publishDelta(false);
    }
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> http.get("/v2/models/finalmlp").body().contains("\"versions\":[\"1\",\"2\"]"));
  }

  @AfterAll
  static void stop() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void healthAndMetadataFollowTheOpenInferenceProtocol() throws Exception {
    assertThat(http.get("/v2/health/live").statusCode()).isEqualTo(200);
    // dnn has no snapshot in the store: the server is live but not ready.
    assertThat(http.get("/v2/health/ready").statusCode()).isEqualTo(503);
    assertThat(http.get("/v2/models/finalmlp/ready").statusCode()).isEqualTo(200);
    assertThat(http.get("/v2/models/dnn/ready").statusCode()).isEqualTo(503);

    JsonNode meta = json(http.get("/v2/models/finalmlp"), 200);
    assertThat(meta.get("name").asText()).isEqualTo("finalmlp");
    assertThat(meta.get("versions").toString()).isEqualTo("[\"1\",\"2\"]");
    assertThat(meta.get("inputs")).hasSize(10);
    assertThat(meta.get("inputs").get(0).toString())
        .isEqualTo("{\"name\":\"user\",\"datatype\":\"BYTES\",\"shape\":[-1]}");
  }

  @Test
  void infersThroughTheV2ProtocolAndTheCompactEndpointStampedWithTheVersion() throws Exception {
    String v2Body =
        """
        {"id": "r1", "inputs": [
          {"name": "user", "datatype": "BYTES", "shape": [2], "data": ["12", null]},
          {"name": "item", "datatype": "BYTES", "shape": [2, 1], "data": ["1000", "1001"]}]}""";
    JsonNode v2 = json(http.post("/v2/models/finalmlp/infer", v2Body), 200);
    assertThat(v2.get("model_name").asText()).isEqualTo("finalmlp");
    assertThat(v2.get("model_version").asText()).isEqualTo("2");
    assertThat(v2.get("id").asText()).isEqualTo("r1");
    JsonNode out = v2.get("outputs").get(0);
    assertThat(out.get("name").asText()).isEqualTo("probability");
    assertThat(out.get("shape").toString()).isEqualTo("[2]");
    double p0 = out.get("data").get(0).asDouble();
    assertThat(p0).isBetween(0.0, 1.0);

    JsonNode old = json(http.post("/v2/models/finalmlp/versions/1/infer", v2Body), 200);
    assertThat(old.get("model_version").asText()).isEqualTo("1");

    JsonNode compact =
        json(
            http.post(
                "/v1/ctr/finalmlp",
                "{\"rows\": [{\"user\": \"12\", \"item\": \"1000\"}, {\"item\": \"1001\"}]}"),
            200);
    assertThat(compact.get("model").asText()).isEqualTo("finalmlp");
    assertThat(compact.get("version").asLong()).isEqualTo(2);
    assertThat(compact.get("scores").get(0).asDouble()).isEqualTo(p0);
  }

  @Test
  void badRequestsGetA4xxNamingTheField() throws Exception {
    assertError(http.post("/v1/ctr/finalmlp", "{\"rows\": [{\"user\": "), 400)
        .startsWith("body: malformed JSON at line 1, column ");
    assertError(http.post("/v1/ctr/finalmlp", "[1, 2]"), 400)
        .isEqualTo("body: must be a JSON object");
    assertError(http.post("/v1/ctr/finalmlp", "{\"rows\": [{\"user\": 12}]}"), 400)
        .isEqualTo("rows[0].user: must be a string (categorical feature), was 12");
    assertError(http.post("/v1/ctr/finalmlp", "{\"rows\": [{\"usr\": \"12\"}]}"), 400)
        .startsWith("rows[0].usr: unknown feature 'usr'; the model's features are [user, item,");
    assertError(http.post("/v1/ctr/finalmlp", "{\"rows\": {}}"), 400)
        .isEqualTo("rows: must be a non-empty array of feature objects");
    assertError(http.post("/v1/ctr/finalmlp", "{\"rows\": [{}], \"extra\": 1}"), 400)
        .isEqualTo("extra: unknown member; expected [rows]");
    assertError(http.post("/v1/ctr/finalmlp", "{\"rows\": [{}], \"rows\": [{}]}"), 400)
        .contains("Duplicate field 'rows'");
    assertError(
            http.post(
                "/v2/models/finalmlp/infer",
                "{\"inputs\": [{\"name\": \"user\", \"datatype\": \"FP32\", \"shape\": [1],"
                    + " \"data\": [1.0]}]}"),
            400)
        .isEqualTo("inputs[0].datatype: a categorical feature takes BYTES, was \"FP32\"");
    assertError(
            http.post(
                "/v2/models/finalmlp/infer",
                "{\"inputs\": [{\"name\": \"user\", \"datatype\": \"BYTES\", \"shape\": [2],"
                    + " \"data\": [\"1\"]}]}"),
            400)
        .isEqualTo("inputs[0].data: must be an array of 2 elements (the shape), was an array of 1");
    assertError(
            http.post(
                "/v2/models/finalmlp/infer",
                "{\"inputs\": [{\"name\": \"user\", \"datatype\": \"BYTES\", \"shape\": [1],"
                    + " \"data\": [\"1\"]}, {\"name\": \"item\", \"datatype\": \"BYTES\","
                    + " \"shape\": [2], \"data\": [\"1\", \"2\"]}]}"),
            400)
        .isEqualTo("inputs[1].shape: has 2 rows, inputs[0] has 1");
    assertError(http.post("/v2/models/nope/infer", "{}"), 404)
        .isEqualTo("model: unknown model 'nope'; this server serves [finalmlp, dnn]");
    assertError(http.post("/v2/models/dnn/infer", "{}"), 503)
        .isEqualTo("model: 'dnn' has no version loaded yet");
    assertError(http.post("/v2/models/finalmlp/versions/7/infer", "{}"), 404)
        .isEqualTo("version: 7 of 'finalmlp' is not loaded; warm versions: [1, 2]");
    assertError(http.post("/v2/models/finalmlp/versions/x/infer", "{}"), 400)
        .isEqualTo("version: must be an integer >= 1, was 'x'");
  }

  @Test
  void oversizeBodiesAndBatchesGet413() throws Exception {
    String big = "{\"rows\": [" + "{\"user\": \"1\"},".repeat(2_000) + "{}]}";
    assertError(http.post("/v1/ctr/finalmlp", big), 413)
        .startsWith("body: " + big.length() + " bytes exceed this server's limit of 16384 bytes");
    String many = "{\"rows\": [" + "{},".repeat(100) + "{}]}";
    assertError(http.post("/v1/ctr/finalmlp", many), 413)
        .isEqualTo("rows: 101 rows exceed this server's limit of 100");
  }

  @Test
  void adminEndpointsNeedTheTokenAndPinAVersionForRollback() throws Exception {
    assertError(http.post("/admin/models/finalmlp/versions/1/pin", ""), 401)
        .isEqualTo("Authorization: expected 'Bearer <admin token>'");
    assertThat(admin("POST", "/admin/models/finalmlp/versions/9/pin").statusCode()).isEqualTo(404);
    try {
      HttpResponse<String> pinned = admin("POST", "/admin/models/finalmlp/versions/1/pin");
      assertThat(pinned.body())
          .isEqualTo("{\"name\":\"finalmlp\",\"current\":1,\"pinned\":1,\"warm\":[1,2]}");
      assertThat(
              json(http.post("/v1/ctr/finalmlp", "{\"rows\": [{}]}"), 200).get("version").asLong())
          .isEqualTo(1);
      assertThat(http.get("/metrics").body())
          .contains("ctrflow_serving_model_version{model=\"finalmlp\"} 1.0");
    } finally {
      assertThat(admin("DELETE", "/admin/models/finalmlp/pin").body())
          .isEqualTo("{\"name\":\"finalmlp\",\"current\":2,\"pinned\":null,\"warm\":[1,2]}");
    }
    assertThat(json(http.post("/v1/ctr/finalmlp", "{\"rows\": [{}]}"), 200).get("version").asLong())
        .isEqualTo(2);
  }

  @Test
  void metricsExposeLatencyBatchSizesVersionsAndErrors() throws Exception {
    http.post("/v1/ctr/finalmlp", "{\"rows\": [{}, {}, {}]}");
    http.post("/v1/ctr/finalmlp", "{");
    HttpResponse<String> metrics = http.get("/metrics");
    assertThat(metrics.statusCode()).isEqualTo(200);
    assertThat(metrics.body())
        .contains(
            "ctrflow_serving_request_seconds_bucket{endpoint=\"ctr\",model=\"finalmlp\",status=\"200\"")
        .contains("ctrflow_serving_batch_rows_count{model=\"finalmlp\"}")
        .contains("ctrflow_serving_errors_total{endpoint=\"ctr\",status=\"400\"}")
        .contains(
            "ctrflow_serving_refresh_lag_seconds_count{model=\"finalmlp\",stage=\"available\"}")
        .contains(
            "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"updated\",reason=\"\"}");
  }

  private static HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Authorization", "Bearer s3cret")
            .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  static JsonNode json(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    return Json.MAPPER.readTree(response.body());
  }

  private static org.assertj.core.api.AbstractStringAssert<?> assertError(
      HttpResponse<String> response, int status) throws Exception {
    return assertThat(json(response, status).get("error").asText());
  }
}
