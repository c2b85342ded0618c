package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The standing hostile suite of the model server: the attacks of a hostile sweep, replayed against
 * a real server in its own JVM (256 MB heap, default limits, started as the docs say) fed by a real
 * broker and model store, so the defects it found stay fixed and the defences that held stay. The
 * first test needs the fresh server; the others leave it serving for the next.
 */
@Timeout(180)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ServerHostileTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  private static final String TOKEN = "s3cret-hostile";
  private static final String MODEL = TrainerSide.MODEL;
  private static final String INFER = "/v2/models/" + MODEL + "/infer";
  private static final String ONE_ROW =
      "{\"inputs\": [{\"name\": \"user\", \"datatype\": \"BYTES\", \"shape\": [1],"
          + " \"data\": [\"12\"]}]}";

  @TempDir static Path dir;

  private static TrainerSide trainer;
  private static ServerProcess server;
  private static Http http;

  @BeforeAll
  static void start() throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix)));
    }
    Path store = Files.createDirectories(dir.resolve("store"));
    trainer = new TrainerSide(store, kafka.bootstrapServers(), prefix);
    for (int v = 1; v <= 7; v++) {
      trainer.storeSnapshot();
    }
    // Good 1, 4 and 5 beside a bit-flipped 7, the newest.
    Path folder = store.resolve(MODEL);
    for (int v : new int[] {2, 3, 6}) {
      Files.delete(folder.resolve(v + ".snapshot"));
    }
    Path seven = folder.resolve("7.snapshot");
    byte[] bytes = Files.readAllBytes(seven);
    bytes[bytes.length / 2] ^= 0x04;
    Files.write(seven, bytes);

    server =
        ServerProcess.start(
            "256m",
            Ports.freeLoopbackPort(),
            List.of(
                "--model-store",
                store.toString(),
                "--bootstrap-servers",
                kafka.bootstrapServers(),
                "--topic-prefix",
                prefix,
                "--models",
                MODEL,
                "--device",
                "cpu"),
            Map.of(ServeCommand.ADMIN_TOKEN_ENV, TOKEN),
            dir.resolve("server.log"));
    http = new Http(server.port());
  }

  @AfterAll
  static void stop() throws IOException {
    if (server != null) {
      server.close();
      System.out.println("server log:\n" + server.log());
    }
    if (trainer != null) {
      trainer.close();
    }
  }

  @Test
  @Order(1)
  void aCorruptNewestSnapshotFallsBackToTheNewestValidVersion() throws Exception {
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> http.get(InferenceServer.READY_PATH).statusCode() == 200);
    assertThat(version(http.post(INFER, ONE_ROW))).isEqualTo(5);
    assertThat(
            metric(
                "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"rejected\","
                    + "reason=\"CHECKSUM\"}"))
        .isEqualTo(1);
    assertThat(server.log()).contains("7.snapshot").contains("falling back to version 5");
  }

  @Test
  @Order(2)
  void concurrentHugeTensorsAreRefusedBeforeParsingAndTheBatcherKeepsServing() throws Exception {
    // 32 requests of ~4 MB, each a BYTES tensor of 10^6 elements: parsed, that is several times
    // the server's whole heap.
    StringBuilder body = new StringBuilder(4_100_000);
    body.append("{\"inputs\": [{\"name\": \"user\", \"datatype\": \"BYTES\",")
        .append(" \"shape\": [1000000], \"data\": [");
    for (int i = 0; i < 1_000_000; i++) {
      body.append(i == 0 ? "\"1\"" : ",\"1\"");
    }
    body.append("]}]}");
    byte[] huge = body.toString().getBytes(StandardCharsets.UTF_8);
    assertThat(huge.length).isLessThan(4 << 20);

    ExecutorService pool = Executors.newFixedThreadPool(32);
    HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .executor(pool)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    List<CompletableFuture<HttpResponse<String>>> sent = new ArrayList<>();
    Map<Integer, Integer> statuses = new java.util.TreeMap<>();
    try {
      for (int i = 0; i < 32; i++) {
        sent.add(
            client.sendAsync(
                HttpRequest.newBuilder(URI.create(http.base() + INFER))
                    .timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofByteArray(huge))
                    .build(),
                HttpResponse.BodyHandlers.ofString()));
      }
      for (CompletableFuture<HttpResponse<String>> f : sent) {
        HttpResponse<String> r = f.join();
        statuses.merge(r.statusCode(), 1, Integer::sum);
        assertThat(r.statusCode()).as(r.body()).isIn(413, 503);
        String error = Json.MAPPER.readTree(r.body()).get("error").asText();
        if (r.statusCode() == 503) {
          assertThat(error).startsWith("server busy: ");
          assertThat(r.headers().firstValue("Retry-After")).isPresent();
        } else {
          assertThat(error).startsWith("body: ");
        }
      }
    } finally {
      pool.shutdownNow();
    }
    System.out.println("32 concurrent 4 MB tensors, answers by status: " + statuses);
    assertThat(server.alive()).isTrue();
    assertThat(http.post(INFER, ONE_ROW).statusCode()).isEqualTo(200);
    assertThat(http.get(InferenceServer.READY_PATH).statusCode()).isEqualTo(200);
    assertThat(server.log()).doesNotContain("OutOfMemoryError");
    assertThat(metric("ctrflow_serving_worker_restarts_total{worker=\"batcher-finalmlp\"}"))
        .isZero();
  }

  @Test
  @Order(3)
  void deeplyNestedJsonIsABadRequest() throws Exception {
    String nested = "{\"inputs\": " + "[".repeat(10_000) + "]".repeat(10_000) + "}";
    HttpResponse<String> r = http.post(INFER, nested);
    assertThat(error(r, 400)).startsWith("body: ").doesNotContain("Exception");
  }

  @Test
  @Order(4)
  void aChunkedBodyOverTheLimitGets413LikeOneWithContentLength() throws Exception {
    byte[] big = ("{\"rows\": [" + "{\"user\": \"1\"},".repeat(400_000) + "{}]}").getBytes();
    assertThat(big.length).isGreaterThan(4 << 20);
    HttpResponse<String> chunked =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + "/v1/ctr/" + MODEL))
                .header("Content-Type", "application/json")
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> (InputStream) new ByteArrayInputStream(big))));
    assertThat(error(chunked, 413))
        .startsWith("body: more than 4194304 bytes")
        .doesNotContain("Exception");
    HttpResponse<String> sized =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + "/v1/ctr/" + MODEL))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofByteArray(big)));
    assertThat(error(sized, 413))
        .isEqualTo("body: " + big.length + " bytes exceed this server's limit of 4194304 bytes");
  }

  @Test
  @Order(5)
  void tensorShapesAndMembersAreTakenAsDeclaredNeverCoerced() throws Exception {
    assertThat(error(http.post(INFER, tensor("\"shape\": [1, \"1\"]")), 400))
        .isEqualTo("inputs[0].shape: must be [B] or [B, 1] with B >= 1, was [1,\"1\"]");
    assertThat(error(http.post(INFER, tensor("\"shape\": [1, 1.5]")), 400))
        .isEqualTo("inputs[0].shape: must be [B] or [B, 1] with B >= 1, was [1,1.5]");
    assertThat(error(http.post(INFER, tensor("\"shape\": [1.0]")), 400))
        .isEqualTo("inputs[0].shape: must be [B] or [B, 1] with B >= 1, was [1.0]");
    assertThat(error(http.post(INFER, tensor("\"shape\": [1], \"extra\": true")), 400))
        .isEqualTo(
            "inputs[0].extra: unknown member; expected [name, datatype, shape, parameters, data]");
    assertThat(error(http.post(INFER, tensor("\"shape\": [1], \"parameters\": 3")), 400))
        .isEqualTo("inputs[0].parameters: must be an object, was 3");
    String withId = ONE_ROW.replace("{\"inputs\"", "{\"id\": 7, \"inputs\"");
    assertThat(error(http.post(INFER, withId), 400)).isEqualTo("id: must be a string, was 7");
    assertThat(error(http.post(INFER, withOutputs("[{\"name\": \"logit\"}]")), 400))
        .isEqualTo("outputs[0].name: this model's only output is 'probability', was \"logit\"");
    assertThat(http.post(INFER, withOutputs("[{\"name\": \"probability\"}]")).statusCode())
        .isEqualTo(200);
  }

  @Test
  @Order(6)
  void adminRoutesNeedTheTokenForEveryMethod() throws Exception {
    String path = "/admin/models/" + MODEL;
    assertThat(error(http.get(path), 401))
        .isEqualTo("Authorization: expected 'Bearer <admin token>'");
    HttpResponse<String> wrong =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + path))
                .header("Authorization", "Bearer " + TOKEN + "x")
                .GET());
    assertThat(wrong.statusCode()).isEqualTo(401);
    HttpResponse<String> head =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + path))
                .method("HEAD", HttpRequest.BodyPublishers.noBody()));
    assertThat(head.statusCode()).isNotEqualTo(200).isGreaterThanOrEqualTo(400);
    HttpResponse<String> pin =
        http.send(
            HttpRequest.newBuilder(URI.create(http.base() + path + "/versions/5/pin"))
                .POST(HttpRequest.BodyPublishers.noBody()));
    assertThat(pin.statusCode()).isEqualTo(401);
    assertThat(admin("GET", path).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(7)
  void slowClientsHoldingHalfSentHeadersDoNotStarveOthers() throws Exception {
    List<Socket> slow = new ArrayList<>();
    try {
      for (int i = 0; i < 300; i++) {
        Socket s = new Socket("127.0.0.1", server.port());
        OutputStream out = s.getOutputStream();
        out.write(("POST " + INFER + " HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ").getBytes());
        out.flush();
        slow.add(s);
      }
      assertThat(http.post(INFER, ONE_ROW).statusCode()).isEqualTo(200);
      assertThat(http.get(InferenceServer.LIVE_PATH).statusCode()).isEqualTo(200);
    } finally {
      for (Socket s : slow) {
        s.close();
      }
    }
  }

  @Test
  @Order(8)
  void deltaChunksClaimingBillionsOfPartsAreRefusedOnTheFirst() throws Exception {
    long before =
        metric(
            "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"rejected\","
                + "reason=\"TOO_LARGE\"}");
    List<ModelUpdate> flood = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      flood.add(
          ModelUpdate.builder()
              .setModelName(MODEL)
              .setVersion(1_000)
              .setKind(ModelUpdate.Kind.DELTA)
              .setSha256("ab".repeat(32))
              .setSizeBytes((long) Integer.MAX_VALUE * ModelUpdate.MAX_CHUNK_BYTES)
              .setPublishedAt(System.currentTimeMillis())
              .optBaseVersion(999)
              .optChunkIndex(i)
              .optChunkCount(Integer.MAX_VALUE)
              .optPayload(new byte[ModelUpdate.MAX_CHUNK_BYTES])
              .build());
    }
    trainer.send(flood);
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                metric(
                        "ctrflow_serving_model_updates_total{model=\"finalmlp\","
                            + "outcome=\"rejected\",reason=\"TOO_LARGE\"}")
                    == before + 8);
    assertThat(
            metric(
                "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"pending\","
                    + "reason=\"\"}"))
        .isZero();
    assertThat(http.post(INFER, ONE_ROW).statusCode()).isEqualTo(200);
  }

  @Test
  @Order(9)
  void aCorruptDeltaIsRefusedWhileTheLastGoodVersionServes() throws Exception {
    long snapshot = trainer.publishSnapshot();
    Awaitility.await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> version(http.post(INFER, ONE_ROW)) == snapshot);
    String checksum =
        "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"rejected\","
            + "reason=\"CHECKSUM\"}";
    long before = metric(checksum);
    trainer.publishDelta(true);
    Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> metric(checksum) == before + 1);
    assertThat(version(http.post(INFER, ONE_ROW))).isEqualTo(snapshot);
    assertThat(http.get(InferenceServer.READY_PATH).statusCode()).isEqualTo(200);
  }

  private static String withOutputs(String outputs) {
    return ONE_ROW.substring(0, ONE_ROW.length() - 1) + ", \"outputs\": " + outputs + "}";
  }

  private static String tensor(String shapeAndMore) {
    return "{\"inputs\": [{\"name\": \"user\", \"datatype\": \"BYTES\", "
        + shapeAndMore
        + ", \"data\": [\"12\"]}]}";
  }

  private static long version(HttpResponse<String> response) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(200);
    return Json.MAPPER.readTree(response.body()).get("model_version").asLong();
  }

  private static String error(HttpResponse<String> response, int status) throws Exception {
    assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
    JsonNode body = Json.MAPPER.readTree(response.body());
    return body.get("error").asText();
  }

  private static HttpResponse<String> admin(String method, String path) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(http.base() + path))
            .header("Authorization", "Bearer " + TOKEN)
            .method(method, HttpRequest.BodyPublishers.noBody()));
  }

  /** One sample of the server's metrics, 0 if the series is absent. */
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
