package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The acceptance test of weight refresh: steady request load while the trainer side publishes
 * versions through a real Kafka broker and model store, one of them corrupt; and the refresh lag
 * over 100 versions, printed.
 */
class RefreshUnderLoadTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path store;

  /** One response: when it was sent and received, and the version that scored it. */
  private record Response(long sentNanos, long receivedNanos, int status, long version) {}

  @Test
  @Timeout(300)
  void twentyVersionsOneCorruptUnderLoadWithoutAFailedRequest() throws Exception {
    // Versions 2..21: snapshots every fifth, deltas otherwise; 10 is a corrupt delta, so 11 (a
    // delta on 10) is a gap, and 12, a snapshot, is the way back.
    Set<Long> snapshots = Set.of(5L, 12L, 15L, 20L);
    long corrupt = 10;
    Set<Long> unservable = Set.of(10L, 11L);
    Run run = run(20, 250, snapshots, corrupt, 4);

    assertThat(run.responses).isNotEmpty();
    assertThat(run.responses).allSatisfy(r -> assertThat(r.status()).isEqualTo(200));
    for (Response r : run.responses) {
      assertThat(unservable).doesNotContain(r.version());
      long atSend = servableAt(run.published, r.sentNanos(), unservable);
      long atReceive = servableAt(run.published, r.receivedNanos(), unservable);
      long oneBefore = previousServable(atSend, unservable);
      assertThat(r.version())
          .as("version of a response sent when %d was current", atSend)
          .isBetween(oneBefore, atReceive);
    }
    long last = run.published.lastEntry().getValue();
    assertThat(last).isEqualTo(21);
    long finalLag = run.lagMillis(last);
    assertThat(finalLag).as("final version served within 1 s").isLessThan(1_000);
    String metrics = run.metrics;
    assertThat(metrics)
        .contains(
            "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"rejected\",reason=\"CHECKSUM\"} 1.0")
        .contains(
            "ctrflow_serving_model_updates_total{model=\"finalmlp\",outcome=\"rejected\",reason=\"GAP\"} 1.0");
    System.out.printf(
        "refresh under load: %d requests, 0 failed, final version served after %d ms, versions"
            + " served %s%n",
        run.responses.size(),
        finalLag,
        run.responses.stream().map(Response::version).distinct().sorted().toList());
  }

  @Test
  @Timeout(300)
  void refreshLagOverAHundredVersions() throws Exception {
    Run run = run(100, 100, Set.of(), -1, 1);
    List<Long> lags = new ArrayList<>();
    for (long v = 2; v <= 101; v++) {
      lags.add(run.lagMillis(v));
    }
    Collections.sort(lags);
    System.out.printf(
        "refresh lag (publication -> first response on it or newer) over %d versions:"
            + " p50 %d ms, p99 %d ms, max %d ms; server side, mean from publication: received"
            + " %.0f ms, available %.0f ms, first response %.0f ms%n",
        lags.size(),
        lags.get(lags.size() / 2 - 1),
        lags.get(lags.size() * 99 / 100 - 1),
        lags.get(lags.size() - 1),
        meanLagMillis(run.metrics, "received"),
        meanLagMillis(run.metrics, "available"),
        meanLagMillis(run.metrics, "first_response"));
    assertThat(lags.get(lags.size() - 1)).as("every version was served").isLessThan(Long.MAX_VALUE);
  }

  /** The mean of the server's refresh-lag histogram for one stage, in ms. */
  private static double meanLagMillis(String metrics, String stage) {
    String series = "{model=\"finalmlp\",stage=\"" + stage + "\"} ";
    return 1e3
        * sample(metrics, "ctrflow_serving_refresh_lag_seconds_sum" + series)
        / sample(metrics, "ctrflow_serving_refresh_lag_seconds_count" + series);
  }

  private static double sample(String metrics, String prefix) {
    return metrics
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToDouble(l -> Double.parseDouble(l.substring(prefix.length()).trim()))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no metric " + prefix + " in\n" + metrics));
  }

  /** What one run saw. */
  private static final class Run {
    final NavigableMap<Long, Long> published = new ConcurrentSkipListMap<>();
    final List<Response> responses = new CopyOnWriteArrayList<>();
    String metrics;

    /**
     * From a version's publication to the first response scored with it or a newer one (a version
     * superseded before any request reached it counts from its own publication); MAX if never.
     */
    long lagMillis(long version) {
      long publishedAt =
          published.entrySet().stream()
              .filter(e -> e.getValue() == version)
              .findFirst()
              .orElseThrow()
              .getKey();
      return responses.stream()
          .filter(r -> r.version() >= version && r.receivedNanos() >= publishedAt)
          .mapToLong(r -> (r.receivedNanos() - publishedAt) / 1_000_000)
          .min()
          .orElse(Long.MAX_VALUE);
    }
  }

  private Run run(int versions, long intervalMillis, Set<Long> snapshots, long corrupt, int clients)
      throws Exception {
    KafkaTestCluster kafka = KAFKA.cluster();
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = kafka.topicAdmin()) {
      admin.createTopics(List.of(Topic.MODEL_UPDATES.spec(prefix)));
    }
    Run run = new Run();
    AtomicBoolean loading = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    try (TrainerSide trainer = new TrainerSide(store, kafka.bootstrapServers(), prefix);
        ModelServer server =
            ModelServer.start(
                ServingConfig.defaults()
                    .with(ServingConfig.BOOTSTRAP_SERVERS, kafka.bootstrapServers())
                    .with(ServingConfig.TOPIC_PREFIX, prefix)
                    .with(ServingConfig.PORT, Ports.freeLoopbackPort())
                    .with(ServingConfig.MODEL_STORE, store.toString())
                    .with(ServingConfig.REFRESH_POLL, Duration.ofMillis(20)))) {
      trainer.publishSnapshot();
      run.published.put(trainer.lastSentNanos(), trainer.version());
      Http http = new Http(server.port());
      Awaitility.await().atMost(Duration.ofSeconds(30)).until(server::ready);
      for (int c = 0; c < clients; c++) {
        int client = c;
        Thread t =
            new Thread(
                () -> {
                  while (loading.get()) {
                    long sent = System.nanoTime();
                    try {
                      HttpResponse<String> response =
                          http.post(
                              "/v1/ctr/finalmlp",
                              "{\"rows\": [{\"user\": \"" + client + "\", \"item\": \"1200\"}]}");
                      JsonNode body = Json.MAPPER.readTree(response.body());
                      long version = body.has("version") ? body.get("version").asLong() : -1;
                      run.responses.add(
                          new Response(sent, System.nanoTime(), response.statusCode(), version));
                    } catch (Exception e) {
                      run.responses.add(new Response(sent, System.nanoTime(), -1, -1));
                    }
                  }
                },
                "client-" + c);
        t.start();
        threads.add(t);
      }
      for (int i = 0; i < versions; i++) {
        Thread.sleep(intervalMillis);
        long v = trainer.version() + 1;
        if (snapshots.contains(v)) {
          trainer.publishSnapshot();
        } else {
          trainer.publishDelta(v == corrupt);
        }
        run.published.put(trainer.lastSentNanos(), v);
      }
      Thread.sleep(1_500);
      loading.set(false);
      for (Thread t : threads) {
        t.join(10_000);
      }
      run.metrics = http.get("/metrics").body();
    }
    return run;
  }

  /** The newest servable version published at {@code nanos}. */
  private static long servableAt(NavigableMap<Long, Long> published, long nanos, Set<Long> bad) {
    long best = 0;
    for (Map.Entry<Long, Long> e : published.headMap(nanos, true).entrySet()) {
      if (!bad.contains(e.getValue())) {
        best = Math.max(best, e.getValue());
      }
    }
    return best;
  }

  private static long previousServable(long version, Set<Long> bad) {
    long v = version - 1;
    while (v > 1 && bad.contains(v)) {
      v--;
    }
    return Math.max(1, v);
  }
}
