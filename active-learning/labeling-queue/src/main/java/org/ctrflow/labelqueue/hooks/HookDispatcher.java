package org.ctrflow.labelqueue.hooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the hook outbox: POSTs each due delivery, signed, to its subscriber; deletes it on a 2xx
 * answer; otherwise schedules a retry after an exponential backoff with jitter. A subscriber is
 * disabled after the configured consecutive failures and its deliveries wait until an admin
 * re-enables it. Deliveries survive restarts (they are in RocksDB); one that was sent but not yet
 * deleted when the process died is sent again with the same {@code webhook-id}.
 */
public final class HookDispatcher implements Runnable, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HookDispatcher.class);

  private final QueueStore store;
  private final HookRegistry registry;
  private final QueueMetrics metrics;
  private final Duration timeout;
  private final Duration backoffBase;
  private final Duration backoffMax;
  private final HttpClient client;
  private final ExecutorService senders;

  /**
   * Subscribers with a delivery in flight. One at a time per subscriber: deliveries arrive in
   * outbox order, and a failing subscriber's failures count exactly (it is disabled after N, not N
   * plus whatever was in flight).
   */
  private final Set<String> busy = ConcurrentHashMap.newKeySet();

  private final Object storeLock = new Object();
  private volatile boolean running = true;

  public HookDispatcher(
      QueueStore store,
      HookRegistry registry,
      QueueMetrics metrics,
      Duration timeout,
      Duration backoffBase,
      Duration backoffMax,
      int senderThreads) {
    this.store = store;
    this.registry = registry;
    this.metrics = metrics;
    this.timeout = timeout;
    this.backoffBase = backoffBase;
    this.backoffMax = backoffMax;
    this.client = HttpClient.newBuilder().connectTimeout(timeout).build();
    this.senders =
        Executors.newFixedThreadPool(
            senderThreads,
            r -> {
              Thread t = new Thread(r, "hook-sender");
              t.setDaemon(true);
              return t;
            });
  }

  /**
   * The backoff before attempt {@code attempts + 1}: base * 2^(attempts - 1), capped, times a
   * random factor in [0.5, 1) so that many failing deliveries do not retry in lockstep.
   */
  static long backoffMillis(int attempts, Duration base, Duration max, double random) {
    double exp = base.toMillis() * Math.pow(2, Math.max(0, attempts - 1));
    double capped = Math.min(exp, max.toMillis());
    return (long) (capped * (0.5 + 0.5 * random));
  }

  @Override
  public void run() {
    while (running) {
      try {
        dispatchDue(System.currentTimeMillis());
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
      } catch (RuntimeException e) {
        LOG.error("hook dispatch round failed; retrying", e);
      }
    }
  }

  private void dispatchDue(long now) {
    List<HookDelivery> due = new ArrayList<>();
    store.scan(
        Family.HOOK_OUTBOX,
        null,
        (k, v) -> {
          HookDelivery d = QueueJson.read(v, HookDelivery.class);
          if (d.nextAttemptAt() <= now) {
            due.add(d);
          }
          return due.size() < 256;
        });
    for (HookDelivery d : due) {
      Optional<Subscriber> sub = registry.get(d.subscriberId());
      if (sub.isEmpty()) {
        // Subscriber deleted: its deliveries go with it.
        delete(d);
        continue;
      }
      if (!sub.get().enabled() || !busy.add(d.subscriberId())) {
        continue;
      }
      senders.execute(
          () -> {
            try {
              deliver(d, sub.get());
            } finally {
              busy.remove(d.subscriberId());
            }
          });
    }
  }

  private void deliver(HookDelivery d, Subscriber sub) {
    long ts = System.currentTimeMillis() / 1000;
    byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
    String error;
    try {
      HttpRequest request =
          HttpRequest.newBuilder(URI.create(sub.url()))
              .timeout(timeout)
              .header("content-type", "application/json")
              .header(WebhookSignature.ID_HEADER, d.messageId())
              .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
              .header(
                  WebhookSignature.SIGNATURE_HEADER,
                  WebhookSignature.of(sub.secret()).sign(d.messageId(), ts, body))
              .POST(HttpRequest.BodyPublishers.ofByteArray(body))
              .build();
      HttpResponse<Void> response = client.send(request, HttpResponse.BodyHandlers.discarding());
      int status = response.statusCode();
      error = status / 100 == 2 ? null : "HTTP " + status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    } catch (Exception e) {
      error = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }
    registry.recordOutcome(sub.id(), error);
    if (error == null) {
      metrics.hookDeliveries.labelValues("delivered").inc();
      delete(d);
    } else {
      metrics.hookDeliveries.labelValues("failed").inc();
      long wait =
          backoffMillis(
              d.attempts() + 1, backoffBase, backoffMax, ThreadLocalRandom.current().nextDouble());
      HookDelivery retry = d.retryAt(System.currentTimeMillis() + wait);
      synchronized (storeLock) {
        try (WriteBatch batch = new WriteBatch()) {
          store.put(batch, Family.HOOK_OUTBOX, TaskKeys.sequence(d.seq()), QueueJson.write(retry));
          store.write(batch);
        }
      }
      LOG.info(
          "web hook {} to {} failed ({}); attempt {} retries in {} ms",
          d.messageId(),
          sub.id(),
          error,
          retry.attempts(),
          wait);
    }
  }

  private void delete(HookDelivery d) {
    synchronized (storeLock) {
      try (WriteBatch batch = new WriteBatch()) {
        store.delete(batch, Family.HOOK_OUTBOX, TaskKeys.sequence(d.seq()));
        store.write(batch);
      }
    }
  }

  /** Deliveries waiting for a subscriber (retries included). */
  public long pending(String subscriberId) {
    long[] n = {0};
    store.scan(
        Family.HOOK_OUTBOX,
        null,
        (k, v) -> {
          if (QueueJson.read(v, HookDelivery.class).subscriberId().equals(subscriberId)) {
            n[0]++;
          }
          return true;
        });
    return n[0];
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    senders.shutdown();
    senders.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
  }
}
