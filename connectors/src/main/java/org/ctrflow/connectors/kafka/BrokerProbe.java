package org.ctrflow.connectors.kafka;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;

/** Asks a Kafka cluster whether it answers, the way every client will: {@code describeCluster}. */
public final class BrokerProbe {

  private static final long POLL_MS = 100;

  private BrokerProbe() {}

  /** Whether a broker at {@code bootstrapServers} answers within {@code timeout}. */
  public static boolean answers(String bootstrapServers, Duration timeout) {
    if (!accepts(bootstrapServers)) {
      return false;
    }
    try (Admin admin = Admin.create(adminProps(bootstrapServers, timeout))) {
      return !admin
          .describeCluster()
          .nodes()
          .get(timeout.toMillis(), TimeUnit.MILLISECONDS)
          .isEmpty();
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Polls until a broker answers. Fails after {@code timeout}, or as soon as {@code keepWaiting}
   * turns false (e.g. the broker process died, so waiting longer is pointless).
   */
  public static void awaitReady(
      String bootstrapServers, Duration timeout, BooleanSupplier keepWaiting) throws IOException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Duration attempt = Duration.ofSeconds(5);
    try {
      // Until the port opens, an admin client would log a warning on every retry.
      while (!accepts(bootstrapServers)) {
        if (!keepWaiting.getAsBoolean()) {
          throw new IOException("gave up waiting for the Kafka broker at " + bootstrapServers);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "nothing listens at " + bootstrapServers + " after waiting " + timeout);
        }
        Thread.sleep(POLL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for Kafka at " + bootstrapServers, e);
    }
    try (Admin admin = Admin.create(adminProps(bootstrapServers, attempt))) {
      while (true) {
        Exception lastError = null;
        try {
          if (!admin
              .describeCluster()
              .nodes()
              .get(attempt.toMillis(), TimeUnit.MILLISECONDS)
              .isEmpty()) {
            return;
          }
        } catch (ExecutionException | TimeoutException notYet) {
          lastError = notYet;
        }
        if (!keepWaiting.getAsBoolean()) {
          throw new IOException(
              "gave up waiting for the Kafka broker at " + bootstrapServers, lastError);
        }
        if (System.nanoTime() > deadline) {
          throw new IOException(
              "Kafka broker at " + bootstrapServers + " did not answer within " + timeout,
              lastError);
        }
        Thread.sleep(POLL_MS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted while waiting for Kafka at " + bootstrapServers, e);
    }
  }

  /** Whether the first bootstrap address accepts TCP connections. */
  private static boolean accepts(String bootstrapServers) {
    String first = bootstrapServers.split(",")[0].trim();
    int colon = first.lastIndexOf(':');
    if (colon < 1) {
      throw new IllegalArgumentException(
          "bootstrap servers must be host:port[,host:port], e.g. 127.0.0.1:9092; was '"
              + bootstrapServers
              + "'");
    }
    int port;
    try {
      port = Integer.parseInt(first.substring(colon + 1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(
          "port in bootstrap servers must be a number, e.g. 127.0.0.1:9092; was '"
              + bootstrapServers
              + "'",
          e);
    }
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress(first.substring(0, colon), port), 1_000);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static Map<String, Object> adminProps(String bootstrapServers, Duration timeout) {
    int ms = (int) Math.max(1_000, timeout.toMillis());
    return Map.of(
        AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, ms,
        AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, ms,
        // One quick retry interval: a broker still starting refuses connections for a while.
        AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, 500);
  }
}
