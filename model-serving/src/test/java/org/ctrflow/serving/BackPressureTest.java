package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.Servable;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Back-pressure: with every forward pass stalled, the requests beyond the queue's capacity get 429
 * with Retry-After at once, and every request that got a place is answered once passes resume. Real
 * HTTP server, dynamic batcher and Servable; no Kafka (the model comes from the store).
 */
@Timeout(120)
class BackPressureTest {

  private static final String MODEL = TrainerSide.MODEL;
  private static final int CAPACITY = 3;
  private static final int REQUESTS = 10;

  @TempDir Path store;

  @ParameterizedTest(name = "batching={0}")
  @ValueSource(booleans = {true, false})
  void aFullQueueAnswers429WithRetryAfterAndEveryAdmittedRequestIsAnswered(boolean batching)
      throws Exception {
    ServingConfig config =
        ServingConfig.defaults()
            .with(ServingConfig.PORT, Ports.freeLoopbackPort())
            .with(ServingConfig.BATCHING, batching)
            .with(ServingConfig.QUEUE_CAPACITY, CAPACITY)
            // One request per pass, so exactly one is taken off the queue while passes stall.
            .with(ServingConfig.MAX_BATCH_ROWS, 1)
            .with(ServingConfig.RETRY_AFTER, Duration.ofSeconds(7));
    Servable servable;
    try (TrainerSide trainer = new TrainerSide(store, null, "unused")) {
      servable =
          Servable.load(
              new DirectoryModelStore(store).get(URI.create(trainer.storeSnapshot().location())));
    }
    ServingMetrics metrics = new ServingMetrics();
    Supervisor workers = ModelServer.workers(config, metrics);
    ExecutorService clients = Executors.newFixedThreadPool(REQUESTS);
    try (ModelRegistry registry = new ModelRegistry(List.of(MODEL), 1);
        DynamicBatcher batcher = new DynamicBatcher(MODEL, config, metrics, workers);
        InferenceServer server =
            new InferenceServer(registry, Map.of(MODEL, batcher), metrics, config, workers)
                .start()) {
      registry.require(MODEL).install(new ModelHandle(servable, 0, 0));
      Http http = new Http(server.port());
      // With batching the batcher holds one request and the queue the others; without, each
      // admitted request holds a place while its own pass waits.
      int admitted = batching ? CAPACITY + 1 : CAPACITY;
      List<Future<HttpResponse<String>>> responses = new ArrayList<>();
      // Servable.score is synchronized (one pass at a time): holding its monitor stalls every pass.
      synchronized (servable) {
        for (int i = 0; i < REQUESTS; i++) {
          String row = "{\"rows\": [{\"user\": \"" + i + "\", \"item\": \"1200\"}]}";
          responses.add(clients.submit(() -> http.post("/v1/ctr/" + MODEL, row)));
        }
        // Every request has arrived once the refused and the queued account for all but the
        // ones being scored; no request can be answered 200 before the monitor is released.
        Awaitility.await()
            .atMost(Duration.ofSeconds(60))
            .until(
                () ->
                    responses.stream().filter(Future::isDone).count() == REQUESTS - admitted
                        && queued(http) == CAPACITY);
      }
      int ok = 0;
      int refused = 0;
      for (Future<HttpResponse<String>> f : responses) {
        HttpResponse<String> r = f.get();
        JsonNode body = Json.MAPPER.readTree(r.body());
        if (r.statusCode() == 429) {
          refused++;
          assertThat(r.headers().firstValue("Retry-After")).hasValue("7");
          assertThat(body.get("error").asText()).startsWith("server busy: queue full");
        } else {
          ok++;
          assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
          assertThat(body.get("version").asLong()).isEqualTo(1);
          assertThat(body.get("scores")).hasSize(1);
        }
      }
      assertThat(ok).as("admitted requests, each answered").isEqualTo(admitted);
      assertThat(refused).isEqualTo(REQUESTS - admitted);
      assertThat(queued(http)).isZero();
      assertThat(http.get("/metrics").body())
          .contains(
              "ctrflow_serving_errors_total{endpoint=\"ctr\",status=\"429\"} "
                  + (REQUESTS - admitted)
                  + ".0");
      // A place is free again: the next request is scored.
      assertThat(http.post("/v1/ctr/" + MODEL, "{\"rows\": [{\"user\": \"1\"}]}").statusCode())
          .isEqualTo(200);
    } finally {
      clients.shutdownNow();
    }
  }

  private static long queued(Http http) throws Exception {
    String prefix = "ctrflow_serving_queued_requests{model=\"" + MODEL + "\"} ";
    return http.get("/metrics")
        .body()
        .lines()
        .filter(l -> l.startsWith(prefix))
        .mapToLong(l -> (long) Double.parseDouble(l.substring(prefix.length())))
        .findFirst()
        .orElse(0);
  }
}
