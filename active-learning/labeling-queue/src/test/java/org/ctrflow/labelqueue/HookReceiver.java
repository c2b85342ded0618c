package org.ctrflow.labelqueue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.ctrflow.labelqueue.hooks.WebhookSignature;

/**
 * A web hook receiver for tests: verifies every delivery's Standard Webhooks signature, fails the
 * first {@code failFirst} attempts with {@code failStatus}, answers after {@code delay}, records
 * every attempt, and keeps the accepted deliveries by {@code webhook-id} the way a receiver should
 * (a repeated id is acknowledged, not processed again).
 */
final class HookReceiver implements AutoCloseable {

  /** One attempt as received. */
  record Attempt(String id, String body, boolean signatureValid, int answered, long at) {}

  private final HttpServer server;
  private final AtomicInteger failuresLeft;
  private final int failStatus;
  private volatile WebhookSignature verifier;
  final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  final Map<String, String> accepted = new ConcurrentHashMap<>();
  final AtomicInteger redeliveries = new AtomicInteger();

  HookReceiver(int failFirst, boolean alwaysFail) throws IOException {
    this(alwaysFail ? Integer.MAX_VALUE : failFirst, 503, Duration.ZERO);
  }

  /** A receiver that answers every attempt with {@code status} (after {@code delay}). */
  static HookReceiver answering(int status, Duration delay) throws IOException {
    return status / 100 == 2
        ? new HookReceiver(0, 503, delay)
        : new HookReceiver(Integer.MAX_VALUE, status, delay);
  }

  private HookReceiver(int failFirst, int failStatus, Duration delay) throws IOException {
    this.failuresLeft = new AtomicInteger(failFirst);
    this.failStatus = failStatus;
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/hook",
        ex -> {
          byte[] body = ex.getRequestBody().readAllBytes();
          if (!delay.isZero()) {
            try {
              Thread.sleep(delay.toMillis());
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          String id = ex.getRequestHeaders().getFirst(WebhookSignature.ID_HEADER);
          WebhookSignature v = verifier;
          boolean valid =
              v != null
                  && v.verify(
                      id,
                      ex.getRequestHeaders().getFirst(WebhookSignature.TIMESTAMP_HEADER),
                      body,
                      ex.getRequestHeaders().getFirst(WebhookSignature.SIGNATURE_HEADER),
                      System.currentTimeMillis() / 1000,
                      Duration.ofMinutes(5));
          int status;
          if (!valid) {
            status = 401;
          } else if (failuresLeft.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0) {
            status = failStatus;
          } else {
            status = 200;
            String text = new String(body, StandardCharsets.UTF_8);
            String before = accepted.putIfAbsent(id, text);
            if (before != null) {
              redeliveries.incrementAndGet();
              if (!before.equals(text)) {
                throw new IllegalStateException("webhook-id " + id + " re-sent with another body");
              }
            }
          }
          attempts.add(
              new Attempt(
                  id,
                  new String(body, StandardCharsets.UTF_8),
                  valid,
                  status,
                  System.currentTimeMillis()));
          ex.sendResponseHeaders(status, -1);
          ex.close();
        });
    server.start();
  }

  void secret(String secret) {
    verifier = WebhookSignature.of(secret);
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/hook";
  }

  long acceptedOfType(String type) {
    return accepted.values().stream().filter(b -> b.contains("\"type\":\"" + type + "\"")).count();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
