package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ctrflow.labelqueue.QueueTestKit.ADMIN_TOKEN;
import static org.ctrflow.labelqueue.QueueTestKit.ALICE_TOKEN;
import static org.ctrflow.labelqueue.QueueTestKit.BOB_TOKEN;
import static org.ctrflow.labelqueue.QueueTestKit.json;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.labelqueue.hooks.HookRegistry;
import org.ctrflow.labelqueue.hooks.HookTargets;
import org.ctrflow.labelqueue.hooks.WebhookSignature;
import org.ctrflow.labelqueue.http.TokenAuth;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.ctrflow.labelqueue.store.TaskRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/**
 * The attacks of a hostile sweep, replayed against a running queue (real Kafka, RocksDB and HTTP),
 * so that what was fixed stays fixed and what held keeps holding. Most tests share one service;
 * those that need their own data or settings start one.
 */
@Timeout(90)
class QueueHostileTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  /** The event limit of a HumanLabel, as the publisher's serde enforces it. */
  static final int LIMIT = EventSerde.HUMAN_LABEL.maxBytes();

  static final String INBOUND_SECRET = WebhookSignature.newSecret();

  @TempDir static Path shared;
  static QueueTestKit kit;
  static LabelQueueService service;
  static int port;

  @TempDir Path dir;

  @BeforeAll
  static void startSharedService() throws Exception {
    kit = new QueueTestKit(KAFKA.cluster());
    service = kit.start(kit.options(shared.resolve("db")), INBOUND_SECRET);
    port = service.port();
  }

  @AfterAll
  static void stopSharedService() throws Exception {
    service.close();
  }

  // ---- D1: a label too large to publish ----

  @Test
  void aLabelTooLargeToPublishNeverBlocksThePublisher() throws Exception {
    String email = "a".repeat(48) + "@example.com";
    double invalidBefore = kit.metric(port, "labelqueue_invalid_requests_total");
    kit.produce(
        List.of(
            nearLimit("big-1", ("label-studio:" + email).length()),
            QueueTestKit.request("after-big", 0.01)));
    // Its label could not be published: the request is refused at ingest, not made a task.
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> kit.metric(port, "labelqueue_invalid_requests_total") >= invalidBefore + 1);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> service.queue().find("after-big").isPresent());
    assertThat(service.queue().find("big-1")).isEmpty();
    HttpResponse<String> big =
        kit.call(
            port,
            "POST",
            "/hooks/label-studio",
            ALICE_TOKEN,
            WebhooksTest.labelStudioPayload("ANNOTATION_CREATED", "big-1", "Click")
                .replace(
                    "\"completed_by\": 10", "\"completed_by\": {\"email\": \"" + email + "\"}"));
    assertThat(big.statusCode()).as(big.body()).isEqualTo(404);

    json(kit.call(port, "POST", "/api/tasks/after-big/label", ALICE_TOKEN, "{\"label\":1}"));
    assertThat(kit.humanLabels(1, Duration.ofSeconds(20)))
        .extracting(HumanLabel::sampleId)
        .contains("after-big");
    assertThat(kit.call(port, "GET", "/ready", null, null).statusCode()).isEqualTo(200);
  }

  @Test
  void labelsAnEarlierVersionStoredThatCannotBePublishedAreParkedOrRefused() throws Exception {
    QueueTestKit own = new QueueTestKit(KAFKA.cluster());
    Path db = dir.resolve("db");
    String longName = "carol-" + "c".repeat(74);
    // What an earlier version left behind: a task whose label is too large for a long labeler
    // name, and a label of that size already in the outbox.
    try (QueueStore store = QueueStore.open(db)) {
      TaskQueue queue =
          new TaskQueue(
              store,
              new HookRegistry(store, HookTargets.of(List.of()), 3),
              Duration.ofMinutes(5),
              Duration.ofDays(1),
              3,
              () -> {});
      LabelRequest parked = nearLimit("old-parked", longName.length());
      queue.ingest(
          List.of(
              nearLimit("old-big", longName.length()),
              parked,
              QueueTestKit.request("old-ok", 0.01)),
          System.currentTimeMillis());
      TaskRecord task = queue.find("old-parked").orElseThrow();
      HumanLabel label =
          new HumanLabel(
              parked.sampleId(),
              parked.eventTime(),
              System.currentTimeMillis(),
              parked.features(),
              parked.numericFeatures(),
              1,
              parked.importanceWeight(),
              longName);
      byte[] bytes = EventSerde.HUMAN_LABEL.serialize(label);
      assertThat(bytes.length).isGreaterThan(LIMIT);
      try (WriteBatch batch = new WriteBatch()) {
        store.delete(batch, Family.PENDING, task.priorityKey());
        store.put(
            batch,
            Family.TASKS,
            TaskKeys.utf8("old-parked"),
            QueueJson.write(task.labeled(1, longName, label.labeledAt())));
        store.put(
            batch,
            Family.LABEL_OUTBOX,
            TaskKeys.sequence(store.nextSequence(Family.LABEL_OUTBOX)),
            bytes);
        store.write(batch);
      }
    }
    String carolToken = "carol-token-0123456789abcdef";
    TokenAuth auth =
        TokenAuth.parse(QueueTestKit.TOKENS + "," + longName + ":labeler:" + carolToken, "tokens");
    try (LabelQueueService restarted =
        new LabelQueueService(own.options(db), auth, null, null).start()) {
      int p = restarted.port();
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> own.call(p, "GET", "/ready", null, null).statusCode() == 200);
      assertThat(own.metric(p, "labelqueue_labels_parked_total")).isEqualTo(1);
      var parkedList = json(own.call(p, "GET", "/api/labels/parked", ADMIN_TOKEN, null));
      assertThat(parkedList).hasSize(1);
      assertThat(parkedList.get(0).get("reason").asText()).contains(Integer.toString(LIMIT));

      HttpResponse<String> refused =
          own.call(p, "POST", "/api/tasks/old-big/label", carolToken, "{\"label\":1}");
      assertThat(refused.statusCode()).as(refused.body()).isEqualTo(422);
      assertThat(refused.body()).contains("\"error\"").contains(Integer.toString(LIMIT));
      assertThat(restarted.queue().find("old-big").orElseThrow().state().name())
          .isEqualTo("PENDING");

      json(own.call(p, "POST", "/api/tasks/old-ok/label", carolToken, "{\"label\":0}"));
      assertThat(own.humanLabels(1, Duration.ofSeconds(20)))
          .extracting(HumanLabel::sampleId)
          .containsExactly("old-ok");
    }
  }

  /**
   * A label request just small enough for the event limit whose human label, with a labeler name of
   * {@code labelerChars} characters, is just too large for it.
   */
  static LabelRequest nearLimit(String sampleId, int labelerChars) {
    String labeler = "l".repeat(labelerChars);
    for (int fill = 0; fill <= 1024; fill++) {
      Map<String, String> features = new LinkedHashMap<>();
      for (int i = 0; i < 64; i++) {
        features.put("f" + i, "x".repeat(1000));
      }
      features.put("fill", "y".repeat(fill));
      LabelRequest r =
          new LabelRequest(
              sampleId, 1_700_000_000_000L, features, Map.of(), 0.5, 0.5, 0.25, "s", "m", 1);
      HumanLabel h =
          new HumanLabel(
              sampleId,
              r.eventTime(),
              System.currentTimeMillis(),
              features,
              Map.of(),
              1,
              4.0,
              labeler);
      if (EventSerde.LABEL_REQUEST.serialize(r).length <= LIMIT
          && EventSerde.HUMAN_LABEL.serialize(h).length > LIMIT) {
        return r;
      }
    }
    throw new IllegalStateException("no filler size fits; the event limit changed?");
  }

  // ---- D5: server-side request forgery through hook registration ----

  @Test
  void hookTargetsInsideTheNetworkAreRefused() throws Exception {
    QueueTestKit own = new QueueTestKit(KAFKA.cluster());
    QueueOptions o = own.options(dir.resolve("db"));
    o.hookAllowedNetworks = List.of();
    try (LabelQueueService strict = own.start(o, null)) {
      int p = strict.port();
      for (String url :
          List.of(
              "http://169.254.169.254/latest/meta-data/",
              "http://2852039166/",
              "http://0xa9fea9fe/",
              "http://0251.0376.0251.0376/",
              "http://169.254.43518/",
              "http://metadata.google.internal/computeMetadata/v1/",
              "http://metadata/",
              "http://10.0.0.1/",
              "http://172.16.0.1/",
              "http://192.168.1.1/",
              "http://100.64.0.1/",
              "http://127.0.0.1:19092/",
              "http://127.1/",
              "http://localhost:22/",
              "http://0.0.0.0/",
              "http://[::1]/",
              "http://[::]/",
              "http://[::ffff:127.0.0.1]/",
              "http://[::ffff:a9fe:a9fe]/",
              "http://[fe80::1]/",
              "http://[fd00::1]/",
              "https://user:pass@93.184.215.14/hook",
              "http://93.184.215.14@127.0.0.1/",
              "ftp://93.184.215.14/",
              "http:///nohost")) {
        HttpResponse<String> r =
            own.call(p, "POST", "/api/hooks", ADMIN_TOKEN, "{\"url\":\"" + url + "\"}");
        assertThat(r.statusCode()).as(url + " -> " + r.body()).isEqualTo(400);
        assertThat(r.body()).as(url).startsWith("{\"error\":\"url: ");
      }
      assertThat(json(own.call(p, "GET", "/api/hooks", ADMIN_TOKEN, null))).isEmpty();
      // A public address is fine.
      assertThat(
              own.call(
                      p,
                      "POST",
                      "/api/hooks",
                      ADMIN_TOKEN,
                      "{\"url\":\"https://93.184.215.14/hooks\"}")
                  .statusCode())
          .isEqualTo(201);
    }
  }

  @Test
  void deliveriesRecheckTheTargetAndKeepTheirErrorsGeneric() throws Exception {
    QueueTestKit own = new QueueTestKit(KAFKA.cluster());
    Path db = dir.resolve("db");
    String receiverUrl;
    try (HookReceiver receiver = HookReceiver.answering(200, Duration.ZERO)) {
      receiverUrl = receiver.url();
      String closed = "http://127.0.0.1:" + Ports.freeLoopbackPort() + "/hook";
      try (LabelQueueService onPrem = own.start(own.options(db), null)) {
        int p = onPrem.port();
        receiver.secret(
            json(own.call(
                    p, "POST", "/api/hooks", ADMIN_TOKEN, "{\"url\":\"" + receiverUrl + "\"}"))
                .get("secret")
                .asText());
        json(own.call(p, "POST", "/api/hooks", ADMIN_TOKEN, "{\"url\":\"" + closed + "\"}"));
        own.produce(List.of(QueueTestKit.request("recheck-1", 0.5)));
        await().atMost(Duration.ofSeconds(20)).until(() -> receiver.accepted.size() == 1);
        // The closed port's error says that no answer came, not why: no port-scan oracle.
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  JsonNode c = subscriber(own, p, closed);
                  assertThat(c.get("consecutiveFailures").asInt()).isPositive();
                  assertThat(c.get("lastError").asText()).isEqualTo("no HTTP response");
                });
      }
      // The same data under the default policy: the stored loopback subscriber gets nothing.
      QueueOptions strict = own.options(db);
      strict.hookAllowedNetworks = List.of();
      try (LabelQueueService restarted = own.start(strict, null)) {
        int p = restarted.port();
        own.produce(List.of(QueueTestKit.request("recheck-2", 0.5)));
        await()
            .atMost(Duration.ofSeconds(20))
            .untilAsserted(
                () -> {
                  JsonNode r = subscriber(own, p, receiverUrl);
                  assertThat(r.get("consecutiveFailures").asInt()).isPositive();
                  assertThat(r.get("lastError").asText()).isEqualTo("target address not allowed");
                });
        assertThat(receiver.attempts).hasSize(1);
      }
    }
  }

  private static JsonNode subscriber(QueueTestKit k, int p, String url) throws Exception {
    for (JsonNode h : json(k.call(p, "GET", "/api/hooks", ADMIN_TOKEN, null))) {
      if (h.get("url").asText().equals(url)) {
        return h;
      }
    }
    throw new AssertionError("no subscriber " + url);
  }

  // ---- D6: the labeler's identity comes from the token ----

  @Test
  void labelStudioLabelsCarryTheCallersIdentityAndRespectLeases() throws Exception {
    QueueTestKit own = new QueueTestKit(KAFKA.cluster());
    try (LabelQueueService s = own.start(own.options(dir.resolve("db")), null)) {
      int p = s.port();
      own.produce(
          List.of(QueueTestKit.request("leased-1", 0.9), QueueTestKit.request("free-1", 0.1)));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () -> s.queue().find("free-1").isPresent() && s.queue().find("leased-1").isPresent());
      assertThat(
              json(own.call(p, "POST", "/api/tasks/lease", ALICE_TOKEN, "{}"))
                  .path("request")
                  .path("sampleId")
                  .asText())
          .isEqualTo("leased-1");
      String asAlice =
          WebhooksTest.labelStudioPayload("ANNOTATION_CREATED", "leased-1", "Click")
              .replace("\"completed_by\": 10", "\"completed_by\": {\"email\": \"alice\"}");
      HttpResponse<String> takeover =
          own.call(p, "POST", "/hooks/label-studio", BOB_TOKEN, asAlice);
      assertThat(takeover.statusCode()).as(takeover.body()).isEqualTo(409);
      json(own.call(p, "POST", "/api/tasks/leased-1/label", ALICE_TOKEN, "{\"label\":0}"));
      json(
          own.call(
              p,
              "POST",
              "/hooks/label-studio",
              BOB_TOKEN,
              WebhooksTest.labelStudioPayload("ANNOTATION_CREATED", "free-1", "Click")
                  .replace("\"completed_by\": 10", "\"completed_by\": {\"email\": \"alice\"}")));
      Map<String, String> labelers = new LinkedHashMap<>();
      own.humanLabels(2, Duration.ofSeconds(20))
          .forEach(l -> labelers.put(l.sampleId(), l.labeler()));
      assertThat(labelers)
          .containsExactlyInAnyOrderEntriesOf(Map.of("leased-1", "alice", "free-1", "bob"));
    }
  }

  // ---- D10: duplicate keys and trailing garbage ----

  @Test
  void duplicateKeysAndTrailingGarbageAreRefused() throws Exception {
    kit.produce(List.of(QueueTestKit.request("dup-1", 0.02)));
    await().atMost(Duration.ofSeconds(20)).until(() -> service.queue().find("dup-1").isPresent());
    for (String body :
        List.of("{\"label\":1,\"label\":0}", "{\"label\":1} {\"label\":0}", "{\"label\":1}x")) {
      HttpResponse<String> r = kit.call(port, "POST", "/api/tasks/dup-1/label", ALICE_TOKEN, body);
      assertThat(r.statusCode()).as(body + " -> " + r.body()).isEqualTo(400);
    }
    assertThat(service.queue().find("dup-1").orElseThrow().state().name()).isEqualTo("PENDING");
    HttpResponse<String> hook =
        kit.call(
            port,
            "POST",
            "/api/hooks",
            ADMIN_TOKEN,
            "{\"url\":\"https://93.184.215.14/a\",\"url\":\"http://127.0.0.1:9/\"}");
    assertThat(hook.statusCode()).as(hook.body()).isEqualTo(400);
  }

  // ---- D11: a repeated label is counted once ----

  @Test
  void repeatingALabelDoesNotCountTwice() throws Exception {
    kit.produce(List.of(QueueTestKit.request("rep-1", 0.03)));
    await().atMost(Duration.ofSeconds(20)).until(() -> service.queue().find("rep-1").isPresent());
    int before =
        json(kit.call(port, "GET", "/api/stats", BOB_TOKEN, null)).get("labelsLast10Min").asInt();
    for (int i = 0; i < 3; i++) {
      json(kit.call(port, "POST", "/api/tasks/rep-1/label", BOB_TOKEN, "{\"label\":1}"));
    }
    assertThat(
            json(kit.call(port, "GET", "/api/stats", BOB_TOKEN, null))
                .get("labelsLast10Min")
                .asInt())
        .isEqualTo(before + 1);
  }

  // ---- D12, D13: sample ids the queue cannot key or serve ----

  @Test
  void sampleIdsWithLoneSurrogatesOrDotSegmentsAreRefusedAtIngest() throws Exception {
    double invalidBefore = kit.metric(port, "labelqueue_invalid_requests_total");
    String template =
        new String(
            EventSerde.LABEL_REQUEST.serialize(QueueTestKit.request("PLACEHOLDER", 0.04)),
            StandardCharsets.UTF_8);
    List<String> ids = List.of("\\ud800x", "\\udbffx", "x\\udc00", ".", "..");
    kit.produceRaw(
        ids.stream()
            .map(id -> template.replace("PLACEHOLDER", id).getBytes(StandardCharsets.UTF_8))
            .toList());
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                kit.metric(port, "labelqueue_invalid_requests_total")
                    >= invalidBefore + ids.size());
    for (String id : List.of("\ud800x", "\udbffx", "x\udc00", ".", "..")) {
      assertThat(service.queue().find(id)).as(id).isEmpty();
    }
    // Whatever the queue holds, its task list is well-formed Unicode JSON.
    String page = kit.call(port, "GET", "/api/tasks?limit=500", ALICE_TOKEN, null).body();
    assertWellFormed(QueueJson.MAPPER.readTree(page));
  }

  private static void assertWellFormed(JsonNode node) {
    if (node.isTextual()) {
      String s = node.asText();
      assertThat(s.codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF)).as(s).isTrue();
    }
    node.fields()
        .forEachRemaining(
            e -> {
              assertThat(e.getKey().codePoints().noneMatch(c -> c >= 0xD800 && c <= 0xDFFF))
                  .isTrue();
              assertWellFormed(e.getValue());
            });
    node.elements().forEachRemaining(QueueHostileTest::assertWellFormed);
  }

  // ---- D14: an empty webhook-id ----

  @Test
  void anEmptyWebhookIdIsRefused() throws Exception {
    kit.produce(
        List.of(QueueTestKit.request("whid-1", 0.05), QueueTestKit.request("whid-2", 0.05)));
    await()
        .atMost(Duration.ofSeconds(20))
        .until(
            () ->
                service.queue().find("whid-1").isPresent()
                    && service.queue().find("whid-2").isPresent());
    for (String sample : List.of("whid-1", "whid-2")) {
      HttpResponse<String> r =
          signed("", "{\"sampleId\":\"" + sample + "\",\"label\":1,\"labeler\":\"vendor-x\"}");
      assertThat(r.statusCode()).as(r.body()).isEqualTo(400);
      assertThat(r.body()).contains("webhook-id");
      assertThat(service.queue().find(sample).orElseThrow().state().name()).isEqualTo("PENDING");
    }
  }

  private static HttpResponse<String> signed(String id, String json) throws Exception {
    byte[] body = json.getBytes(StandardCharsets.UTF_8);
    long ts = System.currentTimeMillis() / 1000;
    return kit.http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/hooks/inbound"))
            .header("webhook-id", id)
            .header("webhook-timestamp", Long.toString(ts))
            .header("webhook-signature", WebhookSignature.of(INBOUND_SECRET).sign(id, ts, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  // ---- Info items: HEAD, the labeler page's headers, the 413 body ----

  @Test
  void headOnAProtectedRouteNeedsATokenLikeGet() throws Exception {
    for (String path : List.of("/api/tasks", "/api/tasks/x", "/api/stats", "/api/hooks")) {
      assertThat(kit.call(port, "HEAD", path, null, null).statusCode()).as(path).isEqualTo(401);
    }
    assertThat(kit.call(port, "HEAD", "/api/tasks", ALICE_TOKEN, null).statusCode()).isEqualTo(200);
    assertThat(kit.call(port, "HEAD", "/api/hooks", ALICE_TOKEN, null).statusCode()).isEqualTo(403);
  }

  @Test
  void theLabelerPageForbidsFramingAndForeignScripts() throws Exception {
    var headers = kit.call(port, "GET", "/labeler.html", null, null).headers();
    assertThat(headers.firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(headers.firstValue("X-Content-Type-Options")).hasValue("nosniff");
    assertThat(headers.firstValue("Content-Security-Policy").orElse(""))
        .contains("default-src 'self'")
        .contains("frame-ancestors 'none'")
        .doesNotContain("unsafe-inline");
  }

  @Test
  void oversizeBodiesGetTheDocumentedJsonError() throws Exception {
    byte[] big =
        ("{\"label\":1,\"pad\":\"" + "a".repeat(70_000) + "\"}").getBytes(StandardCharsets.UTF_8);
    List<HttpRequest.BodyPublisher> bodies =
        List.of(
            HttpRequest.BodyPublishers.ofByteArray(big),
            // Unknown length: sent chunked.
            HttpRequest.BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(big)));
    for (HttpRequest.BodyPublisher body : bodies) {
      HttpResponse<String> r =
          kit.http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/tasks/x/label"))
                  .header("Authorization", "Bearer " + ALICE_TOKEN)
                  .POST(body)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).isEqualTo(413);
      assertThat(r.headers().firstValue("Content-Type").orElse("")).startsWith("application/json");
      assertThat(QueueJson.MAPPER.readTree(r.body()).get("error").asText()).contains("65536");
    }
  }

  // ---- What held in the sweep, kept holding ----

  @Test
  void everyProtectedRouteNeedsATokenAndTheRightRole() throws Exception {
    List<String[]> labelerRoutes =
        List.of(
            new String[] {"GET", "/api/tasks"},
            new String[] {"GET", "/api/tasks/x"},
            new String[] {"POST", "/api/tasks/lease"},
            new String[] {"POST", "/api/tasks/x/label"},
            new String[] {"POST", "/api/tasks/x/skip"},
            new String[] {"GET", "/api/stats"},
            new String[] {"POST", "/hooks/label-studio"});
    List<String[]> adminRoutes =
        List.of(
            new String[] {"GET", "/api/hooks"},
            new String[] {"POST", "/api/hooks"},
            new String[] {"POST", "/api/hooks/x/enable"},
            new String[] {"DELETE", "/api/hooks/x"},
            new String[] {"GET", "/api/labels/parked"});
    for (List<String[]> routes : List.of(labelerRoutes, adminRoutes)) {
      for (String[] r : routes) {
        String what = r[0] + " " + r[1];
        assertThat(kit.call(port, r[0], r[1], null, "{}").statusCode()).as(what).isEqualTo(401);
        assertThat(kit.call(port, r[0], r[1], "not-a-token-0123456789", "{}").statusCode())
            .as(what)
            .isEqualTo(401);
        assertThat(kit.call(port, r[0], r[1], "Bearer " + ALICE_TOKEN, "{}").statusCode())
            .as(what + " with a doubled scheme")
            .isEqualTo(401);
      }
    }
    for (String[] r : adminRoutes) {
      assertThat(kit.call(port, r[0], r[1], ALICE_TOKEN, "{}").statusCode())
          .as(r[0] + " " + r[1])
          .isEqualTo(403);
    }
  }

  @Test
  void deeplyNestedJsonIsABadRequest() throws Exception {
    String nested = "[".repeat(10_000) + "]".repeat(10_000);
    String nestedObject = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
    for (String body : List.of(nested, nestedObject)) {
      for (String[] r :
          List.of(
              new String[] {"/api/tasks/x/label", ALICE_TOKEN},
              new String[] {"/api/hooks", ADMIN_TOKEN},
              new String[] {"/hooks/label-studio", ALICE_TOKEN})) {
        HttpResponse<String> response = kit.call(port, "POST", r[0], r[1], body);
        assertThat(response.statusCode()).as(r[0] + " -> " + response.body()).isEqualTo(400);
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("at org.");
      }
    }
  }
}
