package org.ctrflow.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.topics.Topic;

/**
 * The demo's callers: every sampled impression becomes a {@link ScoreRequest} on the score-requests
 * topic (the scoring job answers it and picks uncertain ones for labeling; its request id is the
 * impression id, so the labeler can find the truth), and twice a second the latest one is also
 * scored over HTTP by the model server, whose answer names the version that scored it.
 *
 * <p>Requests start with the model server's first answer: before any model exists a caller gets
 * 503, and the scoring job holds every request until its first model, then scores that whole
 * backlog (one task, no checkpoint meanwhile) before its first label request commits. On two loaded
 * cores a start-up of 74 s left 4,502 held requests and the first label requests 55 s after the
 * first model; a 444 s start-up left 9,714, and the run ended before any label request.
 */
final class ScoreTraffic implements Consumer<Impression>, AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration PROBE_EVERY = Duration.ofMillis(500);

  private final KafkaProducer<String, byte[]> producer;
  private final String topic;
  private final AtomicReference<Impression> latest = new AtomicReference<>();
  private final AtomicLong requests = new AtomicLong();
  private final AtomicLong served = new AtomicLong();
  private final AtomicLong beforeFirstModel = new AtomicLong();
  private volatile boolean modelServed;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final StatusBoard board;
  private Thread probe;
  private volatile String lastServingError;

  private final Consumer<String> acknowledged;

  /**
   * @param acknowledged called with a score request's id once the broker acknowledged it
   */
  ScoreTraffic(String bootstrap, String prefix, StatusBoard board, Consumer<String> acknowledged) {
    this.acknowledged = acknowledged;
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.CLIENT_ID_CONFIG, "ctrflow-demo-score-requests");
    props.put(ProducerConfig.LINGER_MS_CONFIG, 5);
    this.producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer());
    this.topic = Topic.SCORE_REQUESTS.name(prefix);
    this.board = board;
  }

  @Override
  public void accept(Impression impression) {
    latest.set(impression);
    if (!modelServed) {
      beforeFirstModel.incrementAndGet();
      return;
    }
    ScoreRequest request =
        new ScoreRequest(
            impression.id(),
            impression.eventTime(),
            impression.features(),
            impression.numericFeatures());
    producer.send(
        new ProducerRecord<>(topic, request.key(), EventSerde.SCORE_REQUEST.serialize(request)),
        (metadata, e) -> {
          if (e == null) {
            acknowledged.accept(request.requestId());
          }
        });
    requests.incrementAndGet();
  }

  /** Starts scoring the latest request over HTTP at {@code server}'s compact endpoint. */
  void probe(URI server, String model) {
    probe =
        new Thread(
            () -> {
              while (running.get()) {
                try {
                  Thread.sleep(PROBE_EVERY.toMillis());
                  Impression i = latest.get();
                  if (i != null) {
                    scoreOnce(server, model, i);
                  }
                } catch (InterruptedException e) {
                  return;
                } catch (Exception e) {
                  lastServingError = e.toString();
                }
              }
            },
            "demo-serving-probe");
    probe.setDaemon(true);
    probe.start();
  }

  private void scoreOnce(URI server, String model, Impression i) throws Exception {
    ObjectNode row = JSON.createObjectNode();
    i.features().forEach(row::put);
    i.numericFeatures().forEach(row::put);
    ObjectNode body = JSON.createObjectNode();
    body.putArray("rows").add(row);
    HttpRequest request =
        HttpRequest.newBuilder(server.resolve("/v1/ctr/" + model))
            .timeout(Duration.ofSeconds(5))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body)))
            .build();
    HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() == 200) {
      JsonNode answer = JSON.readTree(r.body());
      board.servedVersion(answer.path("model").asText(model), answer.path("version").asLong());
      served.incrementAndGet();
      modelServed = true;
      lastServingError = null;
    } else {
      // 503 until the first version arrives; anything else is worth showing.
      lastServingError = "HTTP " + r.statusCode() + " " + r.body();
    }
  }

  long requests() {
    return requests.get();
  }

  long served() {
    return served.get();
  }

  /** Impressions not sent as score requests because no model was served yet. */
  long beforeFirstModel() {
    return beforeFirstModel.get();
  }

  String lastServingError() {
    return lastServingError;
  }

  @Override
  public void close() throws InterruptedException {
    running.set(false);
    if (probe != null) {
      probe.interrupt();
      probe.join(5_000);
    }
    producer.close(Duration.ofSeconds(5));
  }
}
