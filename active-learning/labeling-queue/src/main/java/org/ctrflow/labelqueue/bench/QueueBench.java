package org.ctrflow.labelqueue.bench;

import java.io.PrintWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.kafka.EmbeddedKafkaBroker;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.labelqueue.LabelQueueService;
import org.ctrflow.labelqueue.QueueOptions;
import org.ctrflow.labelqueue.http.TokenAuth;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.TaskState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow bench queue}: tasks/s ingested from Kafka into RocksDB and labels/s served over
 * HTTP (lease + label round trips by concurrent labelers) with p50/p99 latency, as a table. Starts
 * an in-JVM broker unless {@code --bootstrap-servers} is given. Timings are printed, never
 * asserted.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description = "Ingest and labeling throughput of the queue.")
public final class QueueBench implements Callable<Integer> {

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--tasks", description = "Label requests to ingest (default: ${DEFAULT-VALUE}).")
  int tasks = 20_000;

  @Option(names = "--labels", description = "Tasks to label over HTTP (default: ${DEFAULT-VALUE}).")
  int labels = 2_000;

  @Option(names = "--labelers", description = "Concurrent labelers (default: ${DEFAULT-VALUE}).")
  int labelers = 4;

  @Option(names = "--bootstrap-servers", description = "Kafka to use; default: an in-JVM broker.")
  String bootstrapServers;

  @Override
  public Integer call() throws Exception {
    if (tasks < 1 || labels < 1 || labels > tasks || labelers < 1) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(), "need --tasks >= 1, 1 <= --labels <= --tasks, --labelers >= 1");
    }
    PrintWriter out = spec.commandLine().getOut();
    EmbeddedKafkaBroker broker = bootstrapServers == null ? EmbeddedKafkaBroker.start() : null;
    String bootstrap = broker != null ? broker.bootstrapServers() : bootstrapServers;
    String prefix = "bench-" + System.currentTimeMillis();
    Path dir = Files.createTempDirectory("labelqueue-bench");
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(
          List.of(Topic.LABEL_REQUESTS.spec(prefix), Topic.HUMAN_LABELS.spec(prefix)), (short) 1);
    }
    produce(bootstrap, prefix);
    QueueOptions o = new QueueOptions();
    o.bootstrapServers = bootstrap;
    o.topicPrefix = prefix;
    o.dataDir = dir.resolve("db");
    o.port = 0;
    StringBuilder tokens = new StringBuilder();
    for (int i = 0; i < labelers; i++) {
      tokens
          .append("labeler")
          .append(i)
          .append(":labeler:bench-token-")
          .append(i)
          .append("-0123456789\n");
    }
    long start = System.nanoTime();
    try (LabelQueueService service =
        new LabelQueueService(o, TokenAuth.parse(tokens.toString(), "bench tokens"), null, null)
            .start()) {
      while (total(service) < tasks) {
        Thread.sleep(5);
      }
      double ingestSeconds = (System.nanoTime() - start) / 1e9;
      Recorder lease = new Recorder(3);
      Recorder label = new Recorder(3);
      AtomicLong remaining = new AtomicLong(labels);
      List<Thread> threads = new ArrayList<>();
      long labelStart = System.nanoTime();
      for (int i = 0; i < labelers; i++) {
        String token = "bench-token-" + i + "-0123456789";
        Thread t = new Thread(() -> labelLoop(service.port(), token, remaining, lease, label));
        threads.add(t);
        t.start();
      }
      for (Thread t : threads) {
        t.join();
      }
      double labelSeconds = (System.nanoTime() - labelStart) / 1e9;
      Histogram l = lease.getIntervalHistogram();
      Histogram b = label.getIntervalHistogram();
      out.printf("%-34s %12s %10s %10s%n", "measure", "rate", "p50 ms", "p99 ms");
      out.printf(
          "%-34s %10.0f/s %10s %10s%n",
          "ingest (Kafka -> RocksDB, synced)", tasks / ingestSeconds, "-", "-");
      out.printf(
          "%-34s %10.0f/s %10.2f %10.2f%n",
          "lease (HTTP)",
          labels / labelSeconds,
          l.getValueAtPercentile(50) / 1e3,
          l.getValueAtPercentile(99) / 1e3);
      out.printf(
          "%-34s %10.0f/s %10.2f %10.2f%n",
          "label (HTTP, lease+label = 1 task)",
          labels / labelSeconds,
          b.getValueAtPercentile(50) / 1e3,
          b.getValueAtPercentile(99) / 1e3);
      out.printf("tasks=%d labels=%d labelers=%d%n", tasks, labels, labelers);
      out.flush();
    } finally {
      if (broker != null) {
        broker.close();
      }
    }
    return 0;
  }

  private static long total(LabelQueueService service) {
    Map<TaskState, Long> counts = service.queue().counts();
    return counts.values().stream().mapToLong(Long::longValue).sum();
  }

  private void produce(String bootstrap, String prefix) throws Exception {
    Properties p = new Properties();
    p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    try (KafkaProducer<byte[], byte[]> producer =
        new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < tasks; i++) {
        LabelRequest r = request("s" + i, (i * 7919 % 1000) / 1000.0);
        producer.send(
            new ProducerRecord<>(
                Topic.LABEL_REQUESTS.name(prefix),
                r.sampleId().getBytes(StandardCharsets.UTF_8),
                EventSerde.LABEL_REQUEST.serialize(r)));
      }
      producer.flush();
    }
  }

  /** A synthetic label request with a few features. */
  public static LabelRequest request(String sampleId, double uncertainty) {
    return new LabelRequest(
        sampleId,
        1_700_000_000_000L,
        Map.of(
            "user",
            "u" + sampleId.hashCode() % 100,
            "item",
            "i" + sampleId.length(),
            "ctx",
            "home"),
        Map.of("price", 9.5),
        0.5,
        uncertainty,
        0.25,
        "least-confidence",
        "finalmlp",
        3);
  }

  private static void labelLoop(
      int port, String token, AtomicLong remaining, Recorder lease, Recorder label) {
    HttpClient client = HttpClient.newHttpClient();
    try {
      while (remaining.getAndDecrement() > 0) {
        long t0 = System.nanoTime();
        HttpResponse<byte[]> leased =
            client.send(
                post(port, "/api/tasks/lease", token, "{}"),
                HttpResponse.BodyHandlers.ofByteArray());
        long t1 = System.nanoTime();
        lease.recordValue((t1 - t0) / 1000);
        if (leased.statusCode() != 200) {
          throw new IllegalStateException("lease answered " + leased.statusCode());
        }
        String id =
            QueueJson.MAPPER.readTree(leased.body()).path("request").path("sampleId").asText();
        HttpResponse<byte[]> labeled =
            client.send(
                post(port, "/api/tasks/" + id + "/label", token, "{\"label\":1}"),
                HttpResponse.BodyHandlers.ofByteArray());
        label.recordValue((System.nanoTime() - t1) / 1000);
        if (labeled.statusCode() != 200) {
          throw new IllegalStateException(
              "label answered "
                  + labeled.statusCode()
                  + ": "
                  + new String(labeled.body(), StandardCharsets.UTF_8));
        }
      }
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static HttpRequest post(int port, String path, String token, String body) {
    return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .header("Authorization", "Bearer " + token)
        .header("content-type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }
}
