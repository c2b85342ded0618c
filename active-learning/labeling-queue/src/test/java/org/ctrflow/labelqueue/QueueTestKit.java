package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.labelqueue.bench.QueueBench;
import org.ctrflow.labelqueue.http.TokenAuth;
import org.ctrflow.labelqueue.store.QueueJson;

/** Shared pieces of the service tests: topics, an in-JVM service, HTTP calls, topic reads. */
final class QueueTestKit {

  static final String ADMIN_TOKEN = "admin-token-0123456789abcdef";
  static final String ALICE_TOKEN = "alice-token-0123456789abcdef";
  static final String BOB_TOKEN = "bob-token-0123456789abcdef";
  static final String TOKENS =
      "root:admin:" + ADMIN_TOKEN + ",alice:labeler:" + ALICE_TOKEN + ",bob:labeler:" + BOB_TOKEN;

  final String bootstrap;
  final String prefix;
  final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  QueueTestKit(KafkaTestCluster kafka) throws Exception {
    this(kafka.bootstrapServers(), kafka.newTopicPrefix());
  }

  /** The topics under {@code prefix} on the broker at {@code bootstrap}, created. */
  QueueTestKit(String bootstrap, String prefix) throws Exception {
    this.bootstrap = bootstrap;
    this.prefix = prefix;
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(
          List.of(Topic.LABEL_REQUESTS.spec(prefix), Topic.HUMAN_LABELS.spec(prefix)), (short) 1);
    }
  }

  QueueOptions options(Path dataDir) {
    QueueOptions o = new QueueOptions();
    o.bootstrapServers = bootstrap;
    o.topicPrefix = prefix;
    o.dataDir = dataDir;
    o.port = 0;
    o.hookBackoffBase = Duration.ofMillis(50);
    o.hookBackoffMax = Duration.ofMillis(400);
    o.hookDisableAfter = 3;
    // The tests' receivers listen on loopback, which the queue refuses unless allowed.
    o.hookAllowedNetworks = List.of("127.0.0.1/32");
    return o;
  }

  LabelQueueService start(QueueOptions o, String inboundSecret) {
    return new LabelQueueService(o, TokenAuth.parse(TOKENS, "test tokens"), inboundSecret, null)
        .start();
  }

  /** Label requests keyed by sample id, as the scoring job sends them. */
  void produce(List<LabelRequest> requests) {
    send(
        requests.stream()
            .map(
                r ->
                    new ProducerRecord<>(
                        Topic.LABEL_REQUESTS.name(prefix),
                        r.sampleId().getBytes(StandardCharsets.UTF_8),
                        EventSerde.LABEL_REQUEST.serialize(r)))
            .toList());
  }

  /** Label requests as given, valid or not, without keys. */
  void produceRaw(List<byte[]> values) {
    send(
        values.stream()
            .map(v -> new ProducerRecord<byte[], byte[]>(Topic.LABEL_REQUESTS.name(prefix), v))
            .toList());
  }

  private void send(List<ProducerRecord<byte[], byte[]>> records) {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      records.forEach(producer::send);
    }
  }

  static LabelRequest request(String sampleId, double uncertainty) {
    return QueueBench.request(sampleId, uncertainty);
  }

  /** Every committed record of the human-labels topic (read_committed), read until quiet. */
  List<HumanLabel> humanLabels(int expectedAtLeast, Duration timeout) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.GROUP_ID_CONFIG, "test-" + UUID.randomUUID());
    p.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    List<HumanLabel> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c =
        new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      c.subscribe(List.of(Topic.HUMAN_LABELS.name(prefix)));
      long deadline = System.currentTimeMillis() + timeout.toMillis();
      long quietUntil = 0;
      while (System.currentTimeMillis() < deadline) {
        var records = c.poll(Duration.ofMillis(200));
        for (ConsumerRecord<byte[], byte[]> r : records) {
          out.add(EventSerde.HUMAN_LABEL.deserialize(r.value()));
        }
        if (out.size() >= expectedAtLeast) {
          // Keep reading a little: duplicates would arrive after the expected count.
          if (quietUntil == 0) {
            quietUntil = System.currentTimeMillis() + 1500;
          } else if (System.currentTimeMillis() > quietUntil) {
            break;
          }
        }
      }
    }
    return out;
  }

  HttpResponse<String> call(int port, String method, String path, String token, String body)
      throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(10));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofString(body));
    return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /**
   * The value of one sample of the service's metrics, e.g. {@code name{label="x"}}; 0 if absent.
   */
  double metric(int port, String sample) throws Exception {
    for (String line : call(port, "GET", "/metrics", null, null).body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).strip());
      }
    }
    return 0;
  }

  static JsonNode json(HttpResponse<String> r) throws Exception {
    assertThat(r.statusCode()).as(r.body()).isBetween(200, 299);
    return QueueJson.MAPPER.readTree(r.body());
  }
}
