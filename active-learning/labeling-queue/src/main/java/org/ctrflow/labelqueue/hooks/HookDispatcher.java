package org.ctrflow.labelqueue.hooks;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.labelqueue.QueueMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers the hook outbox: POSTs each due delivery, signed, to its subscriber; deletes it on a 2xx
 * answer; otherwise schedules a retry after an exponential backoff with jitter. A subscriber is
 * disabled after the configured consecutive failures and its deliveries wait until an admin
 * re-enables it. Deliveries survive restarts (they are in RocksDB); one that was sent but not yet
 * deleted when the process died is sent again with the same {@code webhook-id}.
 *
 * <p>Each subscriber is its own queue with at most one delivery in flight, on a sender thread of
 * its own: a slow, failing or disabled subscriber delays nobody else. Before each delivery the
 * target is checked again ({@link HookTargets}). Errors recorded for the status page say what
 * happened, not why ("HTTP 503", "no HTTP response"), so they tell nothing about the network behind
 * the target; the log has the details.
 */
public final class HookDispatcher implements Worker, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HookDispatcher.class);

  /** How often due deliveries are looked for when nothing wakes the dispatcher earlier. */
  private static final long ROUND_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

  static final String NO_RESPONSE = "no HTTP response";
  static final String NOT_ALLOWED = "target address not allowed";

  private final HookRegistry registry;
  private final HookTargets targets;
  private final QueueMetrics metrics;
  private final Duration timeout;
  private final Duration backoffBase;
  private final Duration backoffMax;
  // Never follows redirects: a 3xx to an internal address would bypass the target check.
  private final HttpClient client;
  private final ExecutorService senders;

  /**
   * Subscribers with a delivery in flight. One at a time per subscriber: deliveries arrive in
   * outbox order, and a failing subscriber's failures count exactly (it is disabled after N, not N
   * plus whatever was in flight).
   */
  private final Set<String> busy = ConcurrentHashMap.newKeySet();

  private volatile boolean running = true;
  private volatile Thread loop;

  public HookDispatcher(
      HookRegistry registry,
      HookTargets targets,
      QueueMetrics metrics,
      Duration timeout,
      Duration backoffBase,
      Duration backoffMax) {
    this.registry = registry;
    this.targets = targets;
    this.metrics = metrics;
    this.timeout = timeout;
    this.backoffBase = backoffBase;
    this.backoffMax = backoffMax;
    this.client =
        HttpClient.newBuilder()
            .connectTimeout(timeout)
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    // At most one thread per subscriber (one delivery in flight each), so the pool is bounded by
    // HookRegistry.MAX_SUBSCRIBERS.
    this.senders =
        Executors.newCachedThreadPool(
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
  public void run(Runnable heartbeat) {
    loop = Thread.currentThread();
    while (running) {
      dispatchDue(System.currentTimeMillis());
      heartbeat.run();
      // Woken early when a delivery ends, so a healthy subscriber's next one goes out at once.
      LockSupport.parkNanos(this, ROUND_NANOS);
    }
  }

  private void dispatchDue(long now) {
    for (Subscriber sub : registry.all()) {
      if (!sub.enabled() || busy.contains(sub.id())) {
        continue;
      }
      Optional<HookDelivery> due = registry.firstDue(sub.id(), now);
      if (due.isEmpty()) {
        continue;
      }
      busy.add(sub.id());
      senders.execute(
          () -> {
            try {
              deliver(due.get(), sub);
            } catch (RuntimeException e) {
              LOG.error("web hook {} to {}: recording the outcome failed", due.get(), sub.id(), e);
            } finally {
              busy.remove(sub.id());
              Thread t = loop;
              if (t != null) {
                LockSupport.unpark(t);
              }
            }
          });
    }
  }

  private void deliver(HookDelivery d, Subscriber sub) {
    String error = send(d, sub);
    if (error == null) {
      metrics.hookDeliveries.labelValues("delivered").inc();
      registry.recordOutcome(d, null, 0);
      return;
    }
    metrics.hookDeliveries.labelValues("failed").inc();
    long wait =
        backoffMillis(
            d.attempts() + 1, backoffBase, backoffMax, ThreadLocalRandom.current().nextDouble());
    registry.recordOutcome(d, error, System.currentTimeMillis() + wait);
    LOG.info(
        "web hook {} to {} failed ({}); attempt {} retries in {} ms",
        d.messageId(),
        sub.id(),
        error,
        d.attempts() + 1,
        wait);
  }

  /** Sends one delivery; returns null on a 2xx answer, else the error for the status page. */
  private String send(HookDelivery d, Subscriber sub) {
    if (!targets.permits(sub.url())) {
      LOG.warn(
          "web hook {} to {}: {} refused by the target policy", d.messageId(), sub.id(), sub.url());
      return NOT_ALLOWED;
    }
    URI target = URI.create(sub.url());
    long ts = System.currentTimeMillis() / 1000;
    byte[] body = d.payload().getBytes(StandardCharsets.UTF_8);
    HttpRequest request =
        HttpRequest.newBuilder(target)
            .timeout(timeout)
            .header("content-type", "application/json")
            .header(WebhookSignature.ID_HEADER, d.messageId())
            .header(WebhookSignature.TIMESTAMP_HEADER, Long.toString(ts))
            .header(
                WebhookSignature.SIGNATURE_HEADER,
                WebhookSignature.of(sub.secret()).sign(d.messageId(), ts, body))
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    try {
      int status = client.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
      return status / 100 == 2 ? null : "HTTP " + status;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return NO_RESPONSE;
    } catch (Exception e) {
      LOG.info("web hook {} to {}: no answer: {}", d.messageId(), sub.id(), e.toString());
      return NO_RESPONSE;
    }
  }

  @Override
  public void stop() {
    running = false;
    Thread t = loop;
    if (t != null) {
      LockSupport.unpark(t);
    }
  }

  /** Waits for the deliveries in flight; call after the dispatching loop ended. */
  @Override
  public void close() throws InterruptedException {
    senders.shutdown();
    senders.awaitTermination(timeout.toMillis() + 1000, TimeUnit.MILLISECONDS);
  }
}
