package org.ctrflow.labelqueue.http;

import static org.ctrflow.labelqueue.http.ApiServer.error;
import static org.ctrflow.labelqueue.http.ApiServer.json;
import static org.ctrflow.labelqueue.http.ApiServer.principal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.time.Duration;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.TaskQueue;
import org.ctrflow.labelqueue.hooks.HookEventType;
import org.ctrflow.labelqueue.hooks.HookRegistry;
import org.ctrflow.labelqueue.hooks.Subscriber;
import org.ctrflow.labelqueue.hooks.WebhookSignature;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.rocksdb.WriteBatch;

/**
 * Web hooks: subscriber management (admin) and the inbound endpoints, Label Studio's (bearer token,
 * labeler role; the token is who labels) and a generic one signed per Standard Webhooks with the
 * inbound secret. Inbound deliveries are idempotent: labeling is, and a repeated {@code webhook-id}
 * is recognised.
 */
public final class HookRoutes {

  /** How far an inbound signature's timestamp may be from now (replay protection). */
  static final Duration TIMESTAMP_TOLERANCE = Duration.ofMinutes(5);

  /** Longest accepted {@code webhook-id}; ids are stored to recognise repeats. */
  static final int MAX_WEBHOOK_ID_LENGTH = 256;

  private final HookRegistry registry;
  private final TaskQueue queue;
  private final QueueStore store;
  private final QueueMetrics metrics;
  private final LabelStudioMapping labelStudio;
  private final WebhookSignature inbound;

  /**
   * @param inboundSecret the generic endpoint's {@code whsec_} secret; null disables the endpoint
   */
  public HookRoutes(
      HookRegistry registry,
      TaskQueue queue,
      QueueStore store,
      QueueMetrics metrics,
      LabelStudioMapping labelStudio,
      String inboundSecret) {
    this.registry = registry;
    this.queue = queue;
    this.store = store;
    this.metrics = metrics;
    this.labelStudio = labelStudio;
    this.inbound = inboundSecret == null ? null : WebhookSignature.of(inboundSecret);
  }

  void register(RoutesConfig r, ApiServer.Guard guard) {
    r.post("/api/hooks", guard.require(Role.ADMIN, "hooks-register", this::registerSubscriber));
    guard.get(
        r,
        "/api/hooks",
        Role.ADMIN,
        "hooks-list",
        ctx -> json(ctx, registry.all().stream().map(this::status).toList()));
    r.post(
        "/api/hooks/{id}/enable",
        guard.require(
            Role.ADMIN,
            "hooks-enable",
            ctx ->
                json(
                    ctx,
                    status(
                        registry.reEnable(ctx.pathParam("id")).orElseThrow(() -> notFound(ctx))))));
    r.delete(
        "/api/hooks/{id}",
        guard.require(
            Role.ADMIN,
            "hooks-delete",
            ctx -> {
              if (!registry.remove(ctx.pathParam("id"))) {
                throw notFound(ctx);
              }
              ctx.status(204);
            }));
    r.post(
        "/hooks/label-studio",
        guard.require(Role.LABELER, "inbound-label-studio", this::labelStudio));
    r.post("/hooks/inbound", guard.timed("inbound-signed", this::signed));
  }

  private void registerSubscriber(Context ctx) throws java.io.IOException {
    JsonNode body = QueueJson.MAPPER.readTree(ctx.bodyAsBytes());
    String url = body == null ? null : body.path("url").asText(null);
    if (url == null) {
      throw new IllegalArgumentException(
          "url: required, e.g. {\"url\": \"https://example.com/hooks\"}");
    }
    Set<HookEventType> events = EnumSet.noneOf(HookEventType.class);
    JsonNode names = body.path("events");
    if (names.isMissingNode()) {
      events = EnumSet.allOf(HookEventType.class);
    } else {
      for (JsonNode n : names) {
        events.add(HookEventType.parse(n.asText()));
      }
      if (events.isEmpty()) {
        throw new IllegalArgumentException(
            "events: list at least one of task.created, task.labeled");
      }
    }
    Subscriber s = registry.register(url, events, System.currentTimeMillis());
    Map<String, Object> out = status(s);
    // The secret is shown once, at registration.
    out.put("secret", s.secret());
    ctx.status(201);
    json(ctx, out);
  }

  private Map<String, Object> status(Subscriber s) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("id", s.id());
    out.put("url", s.url());
    out.put("events", s.events());
    out.put("status", s.enabled() ? "active" : "disabled");
    out.put("consecutiveFailures", s.consecutiveFailures());
    out.put("lastError", s.lastError());
    out.put("pendingDeliveries", registry.pending(s.id()));
    return out;
  }

  private void labelStudio(Context ctx) throws java.io.IOException {
    var annotation = labelStudio.read(QueueJson.MAPPER.readTree(ctx.bodyAsBytes()));
    if (annotation.isEmpty()) {
      metrics.inboundHooks.labelValues("label-studio", "ignored").inc();
      json(ctx, Map.of("ignored", true));
      return;
    }
    var a = annotation.get();
    // The caller's token says who labels, and leases are respected as on the labeler API.
    var result =
        queue.label(
            a.sampleId(), a.label(), principal(ctx).name(), true, System.currentTimeMillis());
    metrics.inboundHooks.labelValues("label-studio", "labeled").inc();
    json(ctx, result.task());
  }

  private void signed(Context ctx) throws java.io.IOException {
    if (inbound == null) {
      error(
          ctx, 404, "the signed inbound endpoint is off; start the service with an inbound secret");
      return;
    }
    byte[] body = ctx.bodyAsBytes();
    String id = ctx.header(WebhookSignature.ID_HEADER);
    if (id != null && (id.isBlank() || id.length() > MAX_WEBHOOK_ID_LENGTH)) {
      // Ids are what repeats are recognised by: an empty one would make every later one a repeat.
      metrics.inboundHooks.labelValues("signed", "rejected").inc();
      error(ctx, 400, "webhook-id: must be 1.." + MAX_WEBHOOK_ID_LENGTH + " characters");
      return;
    }
    if (!inbound.verify(
        id,
        ctx.header(WebhookSignature.TIMESTAMP_HEADER),
        body,
        ctx.header(WebhookSignature.SIGNATURE_HEADER),
        System.currentTimeMillis() / 1000,
        TIMESTAMP_TOLERANCE)) {
      metrics.inboundHooks.labelValues("signed", "rejected").inc();
      error(ctx, 401, "missing or invalid webhook-id / webhook-timestamp / webhook-signature");
      return;
    }
    byte[] idKey = TaskKeys.utf8(id);
    if (store.get(Family.INBOUND_IDS, idKey) != null) {
      metrics.inboundHooks.labelValues("signed", "duplicate").inc();
      json(ctx, Map.of("duplicate", true));
      return;
    }
    JsonNode json = QueueJson.MAPPER.readTree(body);
    String sampleId = json == null ? null : json.path("sampleId").asText(null);
    JsonNode label = json == null ? null : json.get("label");
    String labeler = json == null ? null : json.path("labeler").asText(null);
    if (sampleId == null || label == null || !label.isInt() || labeler == null) {
      throw new IllegalArgumentException(
          "body: expected {\"sampleId\": \"...\", \"label\": 0|1, \"labeler\": \"...\"}");
    }
    var result =
        queue.label(sampleId, label.intValue(), labeler, false, System.currentTimeMillis());
    try (WriteBatch batch = new WriteBatch()) {
      store.put(batch, Family.INBOUND_IDS, idKey, TaskKeys.sequence(System.currentTimeMillis()));
      store.write(batch);
    }
    metrics.inboundHooks.labelValues("signed", "labeled").inc();
    json(ctx, result.task());
  }

  private static org.ctrflow.labelqueue.store.TaskException notFound(Context ctx) {
    return new org.ctrflow.labelqueue.store.TaskException(
        org.ctrflow.labelqueue.store.TaskException.Kind.NOT_FOUND,
        "no subscriber " + ctx.pathParam("id"));
  }
}
