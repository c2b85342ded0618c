package org.ctrflow.labelqueue.hooks;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.Collection;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.ctrflow.labelqueue.store.TaskRecord;
import org.rocksdb.WriteBatch;

/**
 * Web hook subscribers (stored, cached in memory) and the outbox entries their events become. An
 * event's deliveries are written in the same batch as the task change that caused it, so a task
 * change and its notifications are durable together or not at all.
 */
public final class HookRegistry {

  private final QueueStore store;
  private final int disableAfterFailures;
  private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();

  public HookRegistry(QueueStore store, int disableAfterFailures) {
    this.store = store;
    this.disableAfterFailures = disableAfterFailures;
    store.scan(
        Family.SUBSCRIBERS,
        null,
        (k, v) -> {
          Subscriber s = QueueJson.read(v, Subscriber.class);
          subscribers.put(s.id(), s);
          return true;
        });
  }

  /** Registers a subscriber with a fresh secret; the caller shows the secret once. */
  public synchronized Subscriber register(String url, Set<HookEventType> events, long now) {
    Subscriber s =
        new Subscriber(
            "sub_" + UUID.randomUUID().toString().replace("-", ""),
            url,
            WebhookSignature.newSecret(),
            Set.copyOf(events),
            true,
            0,
            null,
            now);
    save(s);
    return s;
  }

  public Optional<Subscriber> get(String id) {
    return Optional.ofNullable(subscribers.get(id));
  }

  public Collection<Subscriber> all() {
    return List.copyOf(subscribers.values());
  }

  public synchronized boolean remove(String id) {
    if (subscribers.remove(id) == null) {
      return false;
    }
    try (WriteBatch batch = new WriteBatch()) {
      store.delete(batch, Family.SUBSCRIBERS, TaskKeys.utf8(id));
      store.write(batch);
    }
    return true;
  }

  public synchronized Optional<Subscriber> reEnable(String id) {
    return get(id).map(Subscriber::reEnabled).map(this::save);
  }

  /** Records a delivery outcome; a subscriber is disabled after the configured failures. */
  public synchronized void recordOutcome(String id, String errorOrNull) {
    get(id)
        .map(
            s ->
                errorOrNull == null
                    ? s.withSuccess()
                    : s.withFailure(errorOrNull, disableAfterFailures))
        .ifPresent(this::save);
  }

  /**
   * Adds one delivery per subscriber of {@code type} to {@code batch}. The message id is derived
   * from the event (type and sample id; each happens once per task), so a re-sent delivery carries
   * the same {@code webhook-id}.
   */
  public void enqueue(WriteBatch batch, HookEventType type, TaskRecord task, long now) {
    String messageId = messageId(type, task.sampleId());
    String payload = null;
    for (Subscriber s : subscribers.values()) {
      if (!s.events().contains(type)) {
        continue;
      }
      if (payload == null) {
        payload = payload(type, task, now);
      }
      long seq = store.nextSequence(Family.HOOK_OUTBOX);
      HookDelivery d = new HookDelivery(seq, messageId, s.id(), payload, 0, now);
      store.put(batch, Family.HOOK_OUTBOX, TaskKeys.sequence(seq), QueueJson.write(d));
    }
  }

  static String messageId(HookEventType type, String sampleId) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256")
              .digest((type.wireName() + "\n" + sampleId).getBytes(StandardCharsets.UTF_8));
      return "msg_" + HexFormat.of().formatHex(digest, 0, 16);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Standard Webhooks' recommended body: {@code {type, timestamp, data}}. */
  private static String payload(HookEventType type, TaskRecord task, long now) {
    Map<String, Object> data = new LinkedHashMap<>();
    data.put("sampleId", task.sampleId());
    data.put("state", task.state());
    data.put("score", task.request().score());
    data.put("uncertainty", task.request().uncertainty());
    data.put("strategy", task.request().strategy());
    data.put("modelName", task.request().modelName());
    data.put("modelVersion", task.request().modelVersion());
    if (task.label() != null) {
      data.put("label", task.label());
      data.put("labeler", task.labeler());
      data.put("weight", task.request().importanceWeight());
    }
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("type", type.wireName());
    body.put("timestamp", Instant.ofEpochMilli(now).toString());
    body.put("data", data);
    return new String(QueueJson.write(body), StandardCharsets.UTF_8);
  }

  private Subscriber save(Subscriber s) {
    try (WriteBatch batch = new WriteBatch()) {
      store.put(batch, Family.SUBSCRIBERS, TaskKeys.utf8(s.id()), QueueJson.write(s));
      store.write(batch);
    }
    subscribers.put(s.id(), s);
    return s;
  }
}
