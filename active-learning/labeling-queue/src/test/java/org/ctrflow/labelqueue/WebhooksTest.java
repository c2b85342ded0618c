package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ctrflow.labelqueue.QueueTestKit.ADMIN_TOKEN;
import static org.ctrflow.labelqueue.QueueTestKit.ALICE_TOKEN;
import static org.ctrflow.labelqueue.QueueTestKit.json;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.IntStream;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.labelqueue.hooks.WebhookSignature;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Web hooks out (signed, retried, disabled) and in (Label Studio, generic signed), and security.
 */
@Timeout(60)
class WebhooksTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path dir;

  @Test
  void hooksAreSignedRetriedWithBackoffAndFailingSubscribersGetDisabled() throws Exception {
    QueueTestKit kit = new QueueTestKit(KAFKA.cluster());
    try (HookReceiver flaky = new HookReceiver(2, false);
        HookReceiver dead = new HookReceiver(0, true);
        LabelQueueService service = kit.start(kit.options(dir.resolve("db")), null)) {
      int port = service.port();
      var registered =
          json(
              kit.call(
                  port, "POST", "/api/hooks", ADMIN_TOKEN, "{\"url\":\"" + flaky.url() + "\"}"));
      flaky.secret(registered.get("secret").asText());
      dead.secret(
          json(kit.call(
                  port,
                  "POST",
                  "/api/hooks",
                  ADMIN_TOKEN,
                  "{\"url\":\"" + dead.url() + "\",\"events\":[\"task.created\"]}"))
              .get("secret")
              .asText());
      // A labeler may not manage hooks.
      assertThat(kit.call(port, "GET", "/api/hooks", ALICE_TOKEN, null).statusCode())
          .isEqualTo(403);

      kit.produce(List.of(QueueTestKit.request("a", 0.9), QueueTestKit.request("b", 0.5)));
      await().atMost(Duration.ofSeconds(20)).until(() -> flaky.acceptedOfType("task.created") == 2);
      var leased = json(kit.call(port, "POST", "/api/tasks/lease", ALICE_TOKEN, "{}"));
      assertThat(leased.path("request").path("sampleId").asText()).isEqualTo("a");
      json(kit.call(port, "POST", "/api/tasks/a/label", ALICE_TOKEN, "{\"label\":1}"));
      await().atMost(Duration.ofSeconds(20)).until(() -> flaky.acceptedOfType("task.labeled") == 1);

      // Every attempt carried a valid signature; the first two failed and were retried later.
      assertThat(flaky.attempts).allMatch(HookReceiver.Attempt::signatureValid);
      assertThat(flaky.attempts.stream().filter(a -> a.answered() == 503)).hasSize(2);
      assertThat(flaky.accepted.values())
          .anyMatch(b -> b.contains("\"weight\":4.0") && b.contains("\"label\":1"));

      // The always-failing subscriber is disabled after 3 consecutive failures, visibly.
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                var hooks = json(kit.call(port, "GET", "/api/hooks", ADMIN_TOKEN, null));
                var deadStatus =
                    IntStream.range(0, hooks.size())
                        .mapToObj(hooks::get)
                        .filter(h -> h.get("url").asText().equals(dead.url()))
                        .findFirst()
                        .orElseThrow();
                assertThat(deadStatus.get("status").asText()).isEqualTo("disabled");
                assertThat(deadStatus.get("consecutiveFailures").asInt()).isEqualTo(3);
                assertThat(deadStatus.get("lastError").asText()).isEqualTo("HTTP 503");
                assertThat(deadStatus.get("pendingDeliveries").asInt()).isEqualTo(2);
                assertThat(deadStatus.has("secret")).isFalse();
              });
      int attemptsWhenDisabled = dead.attempts.size();
      Thread.sleep(700);
      assertThat(dead.attempts).hasSize(attemptsWhenDisabled);
      // Retries were spaced by the backoff (base 50 ms, jitter factor >= 0.5).
      var deadTimes =
          dead.attempts.stream()
              .filter(a -> a.id().equals(dead.attempts.get(0).id()))
              .map(HookReceiver.Attempt::at)
              .toList();
      for (int i = 1; i < deadTimes.size(); i++) {
        assertThat(deadTimes.get(i) - deadTimes.get(i - 1)).isGreaterThanOrEqualTo(20);
      }
    }
  }

  /**
   * A subscriber that answers slowly, one that always fails and one that redirects must not hold
   * back a healthy one: each subscriber has its own queue, and a disabled subscriber's parked
   * deliveries are not in anyone's way.
   */
  @Test
  @Timeout(120)
  void slowAndFailingSubscribersNeverHoldBackAHealthyOne() throws Exception {
    QueueTestKit kit = new QueueTestKit(KAFKA.cluster());
    int tasks = 400;
    try (HookReceiver healthy = HookReceiver.answering(200, Duration.ZERO);
        HookReceiver slow = HookReceiver.answering(200, Duration.ofMillis(300));
        HookReceiver failing = HookReceiver.answering(500, Duration.ZERO);
        HookReceiver redirecting = HookReceiver.answering(307, Duration.ZERO);
        LabelQueueService service = kit.start(kit.options(dir.resolve("db")), null)) {
      int port = service.port();
      for (HookReceiver r : List.of(slow, failing, redirecting, healthy)) {
        r.secret(
            json(kit.call(
                    port,
                    "POST",
                    "/api/hooks",
                    ADMIN_TOKEN,
                    "{\"url\":\"" + r.url() + "\",\"events\":[\"task.created\"]}"))
                .get("secret")
                .asText());
      }
      kit.produce(
          IntStream.range(0, tasks).mapToObj(i -> QueueTestKit.request("h" + i, 0.5)).toList());

      await()
          .atMost(Duration.ofSeconds(60))
          .until(() -> healthy.acceptedOfType("task.created") == tasks);
      // The slow one makes progress at its own pace; the failing ones were disabled after 3.
      assertThat(slow.accepted).isNotEmpty();
      var hooks = json(kit.call(port, "GET", "/api/hooks", ADMIN_TOKEN, null));
      for (var h : hooks) {
        String url = h.get("url").asText();
        if (url.equals(failing.url()) || url.equals(redirecting.url())) {
          assertThat(h.get("status").asText()).as(url).isEqualTo("disabled");
          assertThat(h.get("pendingDeliveries").asInt()).as(url).isEqualTo(tasks);
        }
      }
      assertThat(failing.attempts).hasSize(3);
      assertThat(redirecting.attempts).hasSize(3);
    }
  }

  /** The payload shape of Label Studio's webhook reference (ANNOTATION_CREATED). */
  static String labelStudioPayload(String action, String sampleId, String choice) {
    return """
        {"action": "%s",
         "annotation": {"id": 17, "lead_time": 4.2, "result": [
             {"id": "Dx_aB91ISN", "from_name": "clicked", "to_name": "ad", "type": "choices",
              "value": {"choices": ["%s"]}}],
           "was_cancelled": false, "ground_truth": false,
           "created_at": "2024-03-09T22:16:08.728353Z", "updated_at": "2024-03-09T22:16:08.728378Z",
           "task": 5, "completed_by": 10},
         "task": {"id": 5, "data": {"sample_id": "%s", "text": "ad shown on home"}, "meta": {},
           "created_at": "2024-03-09T21:52:49.513742Z", "updated_at": "2024-03-09T22:16:08.746926Z",
           "is_labeled": true, "project": 83},
         "project": {"id": 83, "title": "ctr relevance"}}
        """
        .formatted(action, choice, sampleId);
  }

  @Test
  void labelStudioAndSignedInboundHooksLabelTasksOnceWhateverTheDuplicates() throws Exception {
    QueueTestKit kit = new QueueTestKit(KAFKA.cluster());
    String inboundSecret = WebhookSignature.newSecret();
    try (LabelQueueService service = kit.start(kit.options(dir.resolve("db")), inboundSecret)) {
      int port = service.port();
      kit.produce(List.of(QueueTestKit.request("ls-1", 0.5), QueueTestKit.request("gen-1", 0.4)));
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  service.queue().find("gen-1").isPresent()
                      && service.queue().find("ls-1").isPresent());

      // Label Studio, delivered twice, then once more as UPDATED with the same choice.
      for (String action :
          List.of("ANNOTATION_CREATED", "ANNOTATION_CREATED", "ANNOTATION_UPDATED")) {
        var r =
            json(
                kit.call(
                    port,
                    "POST",
                    "/hooks/label-studio",
                    ALICE_TOKEN,
                    labelStudioPayload(action, "ls-1", "No click")));
        assertThat(r.path("state").asText()).isEqualTo("LABELED");
      }
      assertThat(
              kit.call(
                      port,
                      "POST",
                      "/hooks/label-studio",
                      ALICE_TOKEN,
                      labelStudioPayload("ANNOTATION_UPDATED", "ls-1", "Click"))
                  .statusCode())
          .isEqualTo(409);
      var bad =
          kit.call(
              port,
              "POST",
              "/hooks/label-studio",
              ALICE_TOKEN,
              labelStudioPayload("ANNOTATION_CREATED", "ls-1", "Maybe"));
      assertThat(bad.statusCode()).isEqualTo(400);
      assertThat(bad.body()).contains("annotation.result[].value.choices").contains("Maybe");
      assertThat(
              json(kit.call(
                      port,
                      "POST",
                      "/hooks/label-studio",
                      ALICE_TOKEN,
                      "{\"action\":\"PROJECT_UPDATED\"}"))
                  .path("ignored")
                  .asBoolean())
          .isTrue();
      assertThat(
              kit.call(
                      port,
                      "POST",
                      "/hooks/label-studio",
                      null,
                      labelStudioPayload("ANNOTATION_CREATED", "ls-1", "Click"))
                  .statusCode())
          .isEqualTo(401);

      // Generic signed endpoint: a valid delivery twice, a forged one.
      byte[] body =
          "{\"sampleId\":\"gen-1\",\"label\":1,\"labeler\":\"vendor-x\"}"
              .getBytes(StandardCharsets.UTF_8);
      long ts = System.currentTimeMillis() / 1000;
      String sig = WebhookSignature.of(inboundSecret).sign("msg_in_1", ts, body);
      for (int i = 0; i < 2; i++) {
        var req =
            java.net.http.HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + port + "/hooks/inbound"))
                .header("webhook-id", "msg_in_1")
                .header("webhook-timestamp", Long.toString(ts))
                .header("webhook-signature", sig)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
                .build();
        assertThat(
                kit.http.send(req, java.net.http.HttpResponse.BodyHandlers.ofString()).statusCode())
            .isEqualTo(200);
      }
      var forged =
          java.net.http.HttpRequest.newBuilder(
                  java.net.URI.create("http://127.0.0.1:" + port + "/hooks/inbound"))
              .header("webhook-id", "msg_in_2")
              .header("webhook-timestamp", Long.toString(ts))
              .header(
                  "webhook-signature",
                  WebhookSignature.of(WebhookSignature.newSecret()).sign("msg_in_2", ts, body))
              .POST(java.net.http.HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      assertThat(
              kit.http
                  .send(forged, java.net.http.HttpResponse.BodyHandlers.ofString())
                  .statusCode())
          .isEqualTo(401);

      List<HumanLabel> labels = kit.humanLabels(2, Duration.ofSeconds(20));
      assertThat(labels)
          .extracting(HumanLabel::sampleId)
          .containsExactlyInAnyOrder("ls-1", "gen-1");
      assertThat(labels)
          .filteredOn(l -> l.sampleId().equals("ls-1"))
          .singleElement()
          .satisfies(
              l -> {
                assertThat(l.label()).isZero();
                // The caller's token, not the payload's completed_by (10), says who labeled.
                assertThat(l.labeler()).isEqualTo("alice");
                assertThat(l.weight()).isEqualTo(4.0);
              });
    }
  }

  @Test
  void apiNeedsTokensAndRefusesOversizedBodies() throws Exception {
    QueueTestKit kit = new QueueTestKit(KAFKA.cluster());
    try (LabelQueueService service = kit.start(kit.options(dir.resolve("db")), null)) {
      int port = service.port();
      assertThat(kit.call(port, "GET", "/api/tasks", null, null).statusCode()).isEqualTo(401);
      assertThat(kit.call(port, "GET", "/api/tasks", "wrong-token-0123456789", null).statusCode())
          .isEqualTo(401);
      assertThat(kit.call(port, "GET", "/api/tasks?limit=0", ALICE_TOKEN, null).body())
          .contains("limit must be 1..500");
      String big = "{\"url\":\"http://x/" + "a".repeat(70_000) + "\"}";
      assertThat(kit.call(port, "POST", "/api/hooks", ADMIN_TOKEN, big).statusCode())
          .isEqualTo(413);
      assertThat(kit.call(port, "GET", "/health", null, null).statusCode()).isEqualTo(200);
      await()
          .atMost(Duration.ofSeconds(20))
          .until(() -> kit.call(port, "GET", "/ready", null, null).statusCode() == 200);
      assertThat(kit.call(port, "GET", "/metrics", null, null).body())
          .contains("labelqueue_tasks{state=\"pending\"}");
      // Pagination: 5 tasks, pages of 2.
      kit.produce(
          IntStream.range(0, 5).mapToObj(i -> QueueTestKit.request("p" + i, 0.1 * i)).toList());
      await()
          .atMost(Duration.ofSeconds(20))
          .until(
              () ->
                  service.queue().counts().values().stream().mapToLong(Long::longValue).sum() == 5);
      var page1 =
          json(kit.call(port, "GET", "/api/tasks?state=pending&limit=2", ALICE_TOKEN, null));
      var page2 =
          json(
              kit.call(
                  port,
                  "GET",
                  "/api/tasks?state=pending&limit=2&after=" + page1.get("next").asText(),
                  ALICE_TOKEN,
                  null));
      var page3 =
          json(
              kit.call(
                  port,
                  "GET",
                  "/api/tasks?state=pending&limit=2&after=" + page2.get("next").asText(),
                  ALICE_TOKEN,
                  null));
      assertThat(page1.get("tasks").size() + page2.get("tasks").size() + page3.get("tasks").size())
          .isEqualTo(5);
      assertThat(page3.get("next").isNull()).isTrue();
    }
  }
}
