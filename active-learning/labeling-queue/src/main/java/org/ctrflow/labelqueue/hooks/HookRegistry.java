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
 * change and its notifications are durable together or not at all. Each subscriber's deliveries are
 * keyed under its id ({@link TaskKeys#delivery}): a queue per subscriber.
 */
public final class HookRegistry {

  /** Most subscribers: each may have a delivery in flight, on a thread of its own. */
  public static final int MAX_SUBSCRIBERS = 100;

  private final QueueStore store;
  private final HookTargets targets;
  private final int disableAfterFailures;
  private final Map<String, Subscriber> subscribers = new ConcurrentHashMap<>();

  public HookRegistry(QueueStore store, HookTargets targets, int disableAfterFailures) {
    this.store = store;
    this.targets = targets;
    this.disableAfterFailures = disableAfterFailures;
    store.scan(
        Family.SUBSCRIBERS,
        null,
        (k, v) -> {
          Subscriber s = QueueJson.read(v, Subscriber.class);
          subscribers.put(s.id(), s);
          return true;
        });
    rekeyOutbox();
  }

  /**
   * Earlier versions keyed the hook outbox by sequence alone (8-byte keys), one queue for all
   * subscribers: moves such entries under their subscriber, drops those of deleted subscribers.
   */
  private void rekeyOutbox() {
    try (WriteBatch batch = new WriteBatch()) {
      boolean[] any = {false};
      store.scan(
          Family.HOOK_OUTBOX,
          null,
          (k, v) -> {
            if (k.length == 8) {
              HookDelivery d = QueueJson.read(v, HookDelivery.class);
              store.delete(batch, Family.HOOK_OUTBOX, k);
              if (subscribers.containsKey(d.subscriberId())) {
                store.put(
                    batch, Family.HOOK_OUTBOX, TaskKeys.delivery(d.subscriberId(), d.seq()), v);
              }
              any[0] = true;
            }
            return true;
          });
      if (any[0]) {
        store.write(batch);
      }
    }
  }

  /**
   * Registers a subscriber with a fresh secret; the caller shows the secret once.
   *
   * @throws IllegalArgumentException when the target is not allowed ({@link HookTargets}) or the
   *     registry is full
   */
  public Subscriber register(String url, Set<HookEventType> events, long now) {
    // Resolves the host: outside the lock, which deliveries take to record their outcomes.
    targets.requireAllowed(url);
    return add(url, events, now);
  }

  private synchronized Subscriber add(String url, Set<HookEventType> events, long now) {
    if (subscribers.size() >= MAX_SUBSCRIBERS) {
      throw new IllegalArgumentException(
          "at most " + MAX_SUBSCRIBERS + " subscribers; delete one first");
    }
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
      store.deletePrefix(batch, Family.HOOK_OUTBOX, TaskKeys.deliveryPrefix(id));
      store.write(batch);
    }
    return true;
  }

  public synchronized Optional<Subscriber> reEnable(String id) {
    return get(id).map(Subscriber::reEnabled).map(this::save);
  }

  /**
   * Records a delivery's outcome in one batch: a delivered one is deleted, a failed one is stored
   * again to retry at {@code retryAt}, and the subscriber's health is updated (disabled after the
   * configured consecutive failures). Nothing is written for a subscriber removed meanwhile, so no
   * delivery outlives its subscriber.
   */
  public synchronized void recordOutcome(HookDelivery d, String errorOrNull, long retryAt) {
    Subscriber s = subscribers.get(d.subscriberId());
    if (s == null) {
      return;
    }
    Subscriber next =
        errorOrNull == null ? s.withSuccess() : s.withFailure(errorOrNull, disableAfterFailures);
    byte[] key = TaskKeys.delivery(d.subscriberId(), d.seq());
    try (WriteBatch batch = new WriteBatch()) {
      if (errorOrNull == null) {
        store.delete(batch, Family.HOOK_OUTBOX, key);
      } else {
        store.put(batch, Family.HOOK_OUTBOX, key, QueueJson.write(d.retryAt(retryAt)));
      }
      store.put(batch, Family.SUBSCRIBERS, TaskKeys.utf8(s.id()), QueueJson.write(next));
      store.write(batch);
    }
    subscribers.put(s.id(), next);
  }

  /** The oldest delivery to {@code subscriberId} due at {@code now}, if any. */
  public Optional<HookDelivery> firstDue(String subscriberId, long now) {
    HookDelivery[] due = {null};
    store.scanPrefix(
        Family.HOOK_OUTBOX,
        TaskKeys.deliveryPrefix(subscriberId),
        (k, v) -> {
          HookDelivery d = QueueJson.read(v, HookDelivery.class);
          if (d.nextAttemptAt() <= now) {
            due[0] = d;
            return false;
          }
          return true;
        });
    return Optional.ofNullable(due[0]);
  }

  /** Deliveries waiting for a subscriber (retries included). */
  public long pending(String subscriberId) {
    long[] n = {0};
    store.scanPrefix(
        Family.HOOK_OUTBOX,
        TaskKeys.deliveryPrefix(subscriberId),
        (k, v) -> {
          n[0]++;
          return true;
        });
    return n[0];
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
      store.put(batch, Family.HOOK_OUTBOX, TaskKeys.delivery(s.id(), seq), QueueJson.write(d));
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
