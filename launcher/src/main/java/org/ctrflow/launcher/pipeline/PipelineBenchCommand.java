package org.ctrflow.launcher.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.HdrHistogram.Histogram;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.kafka.EmbeddedKafkaBroker;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.replay.DatasetReplay;
import org.ctrflow.connectors.replay.KafkaEventPublisher;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.RecordingPublisher;
import org.ctrflow.connectors.replay.ReplayOptions;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.join.LabelJoinJob;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.scoring.ScoringConfig;
import org.ctrflow.jobs.scoring.ScoringJob;
import org.ctrflow.jobs.submit.JobOptions;
import org.ctrflow.jobs.training.TrainingJob;
import org.ctrflow.jobs.training.TrainingSetup;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctrflow bench pipeline}: the label-join, training and scoring jobs in this JVM (local
 * Flink, parallelism 2 each) against an in-JVM Kafka broker. First the whole Frappe file goes in at
 * once (impressions, clicks and a score request per impression): events/s until every example is
 * committed, trained and every request answered. Then score requests at a fixed rate: latency from
 * sending to the prediction being readable, {@code read_uncommitted} (processing) and {@code
 * read_committed} (what an exactly-once consumer sees, at the next checkpoint). Printed, never
 * asserted.
 */
@Command(
    name = "pipeline",
    mixinStandardHelpOptions = true,
    description = "End-to-end events/s through join + training + scoring, and request latency.")
public final class PipelineBenchCommand implements Callable<Integer> {

  private static final FeatureSchema FRAPPE = FeatureSchemas.frappe();
  private static final String PREFIX = "bench";

  @Option(names = "--dataset", description = "Frappe libFM file (default: ${DEFAULT-VALUE}).")
  Path dataset = Path.of("../shared/datasets/frappe/nfm_split/frappe.test.libfm");

  @Option(
      names = "--rate",
      description = "Score requests/s in the latency phase (default: ${DEFAULT-VALUE}).")
  int rate = 1_000;

  @Option(
      names = "--seconds",
      description = "Length of the latency phase (default: ${DEFAULT-VALUE}).")
  int seconds = 20;

  @Option(
      names = "--checkpoint-interval-ms",
      description = "Checkpoint interval of the three jobs (default: ${DEFAULT-VALUE}).")
  long checkpointMs = 1_000;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(dataset)) {
      throw new IllegalArgumentException(
          "--dataset: no such file "
              + dataset
              + "; a Frappe libFM file, e.g. ../shared/datasets/frappe/nfm_split/frappe.test.libfm");
    }
    if (rate < 1 || seconds < 1) {
      throw new IllegalArgumentException(
          "--rate and --seconds must be >= 1, e.g. --rate 1000 --seconds 20");
    }
    List<Event> events;
    try (LibFmReader reader = new LibFmReader(dataset, LibFmReader.FRAPPE_FIELDS);
        RecordingPublisher recorded = new RecordingPublisher()) {
      new DatasetReplay(ReplayOptions.defaults(1_700_000_000_000L)).run(reader, recorded, s -> {});
      events = recorded.events();
    }
    List<Impression> impressions =
        events.stream().filter(e -> e instanceof Impression).map(e -> (Impression) e).toList();
    int rows = impressions.size();
    Path store = Files.createTempDirectory("ctrflow-bench-models-");
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
        admin.createTopics(Topic.specs(PREFIX));
      }
      List<JobClient> jobs = startTrainingAndScoring(bootstrap, store.toString());
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
          Counter examples = new Counter(bootstrap, Topic.LABELED_EXAMPLES, "read_committed");
          Counter predictions = new Counter(bootstrap, Topic.PREDICTIONS, "read_committed")) {
        long t0 = System.nanoTime();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(bootstrap, PREFIX)) {
          RecordingPublisher.replay(events, publisher);
        }
        // The join reads what was published and ends: the end of its input closes the attribution
        // windows of the last impressions, which no later event would close here.
        // Its local cluster shuts down when it ends, so it is not cancelled below.
        startJoin(bootstrap);
        for (Impression i : impressions) {
          send(
              producer, new ScoreRequest(i.id(), i.eventTime(), i.features(), i.numericFeatures()));
        }
        producer.flush();
        long deadline = t0 + TimeUnit.MINUTES.toNanos(15);
        long joined = 0, answered = 0;
        while ((joined == 0 || answered == 0) && System.nanoTime() < deadline) {
          long now = System.nanoTime();
          if (joined == 0 && examples.poll() >= rows) joined = now;
          if (answered == 0 && predictions.poll() >= rows) answered = now;
        }
        Metrics trained = Metrics.await(bootstrap, rows, deadline);
        long end = Math.max(Math.max(joined, answered), trained.at());
        long in = events.size() + rows;
        Histogram[] latency = latency(producer, bootstrap, impressions);
        System.out.printf("| measure | value |%n|---|---|%n");
        System.out.printf(
            "| input events (impressions + clicks + score requests) | %,d (%,d + %,d + %,d) |%n",
            in, rows, events.size() - rows, rows);
        System.out.printf(
            "| all labeled, trained and answered after | %.1f s (join %.1f s, training %.1f s, scoring %.1f s) |%n",
            sec(end - t0), sec(joined - t0), sec(trained.at() - t0), sec(answered - t0));
        System.out.printf("| end-to-end events/s | %,.0f |%n", in / sec(end - t0));
        System.out.printf("| last model version | %d |%n", trained.version());
        row("request -> prediction, read_uncommitted", latency[0]);
        row("request -> prediction, read_committed", latency[1]);
      } finally {
        for (JobClient job : jobs) {
          job.cancel().get(60, TimeUnit.SECONDS);
        }
      }
    }
    return 0;
  }

  private JobClient startJoin(String bootstrap) throws Exception {
    Configuration args = new Configuration();
    args.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(checkpointMs));
    StreamExecutionEnvironment join = local(LabelJoinJob.environmentConfig(args));
    LabelJoinJob.onKafka(
            bootstrap,
            new Properties(),
            source(bootstrap, Topic.IMPRESSIONS, true),
            source(bootstrap, Topic.CLICKS, true),
            source(bootstrap, Topic.HUMAN_LABELS, true),
            LabelJoinOptions.Settings.of(Duration.ofMinutes(2), Duration.ofMillis(500))
                .withTopicPrefix(PREFIX))
        .attach(join);
    return join.executeAsync("bench label join");
  }

  private List<JobClient> startTrainingAndScoring(String bootstrap, String store) throws Exception {
    StreamExecutionEnvironment training = local(new Configuration());
    TrainingJob.onKafka(
            bootstrap,
            new Properties(),
            PREFIX,
            source(bootstrap, Topic.LABELED_EXAMPLES, false),
            TrainingSetup.of(
                FRAPPE,
                List.of(CtrModelConfig.frappe("finalmlp", FRAPPE.totalRows())),
                TrainerConfig.builder().batchSize(1024).build(),
                10_000,
                2_000,
                5,
                200,
                store))
        .build(training);
    StreamExecutionEnvironment scoring = local(new Configuration());
    ScoringJob.onKafka(
            bootstrap,
            new Properties(),
            PREFIX,
            new ScoringConfig(
                List.of("finalmlp"), store, ScoringConfig.Strategy.ENTROPY, 20, 60, 0, 1))
        .build(scoring);
    return List.of(training.executeAsync("bench training"), scoring.executeAsync("bench scoring"));
  }

  private StreamExecutionEnvironment local(Configuration conf) {
    conf.set(RestOptions.BIND_PORT, "0");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2, conf);
    env.enableCheckpointing(checkpointMs);
    return env;
  }

  private static org.apache.flink.api.connector.source.Source<
          org.ctrflow.jobs.kafka.RawRecord, ?, ?>
      source(String bootstrap, Topic topic, boolean bounded) {
    var builder =
        KafkaEvents.rawSource(
            bootstrap,
            new Properties(),
            List.of(topic.name(PREFIX)),
            PREFIX + "-" + topic.suffix(),
            OffsetsInitializer.earliest());
    return bounded ? builder.setBounded(OffsetsInitializer.latest()).build() : builder.build();
  }

  /** Requests at {@link #rate}/s for {@link #seconds}; [0] read_uncommitted, [1] read_committed. */
  private Histogram[] latency(
      KafkaProducer<byte[], byte[]> producer, String bootstrap, List<Impression> impressions)
      throws Exception {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    Histogram[] h = {new Histogram(3), new Histogram(3)};
    int total = rate * seconds;
    Thread[] readers = {
      reader(bootstrap, "read_uncommitted", sentAt, h[0], total),
      reader(bootstrap, "read_committed", sentAt, h[1], total)
    };
    Thread.sleep(2_000); // both readers assigned and at the end of the topic
    long start = System.nanoTime();
    long gap = 1_000_000_000L / rate;
    for (int n = 0; n < total; n++) {
      LockSupport.parkNanos(start + n * gap - System.nanoTime());
      Impression i = impressions.get(n % impressions.size());
      String id = "lat-" + n;
      sentAt.put(id, System.nanoTime());
      send(producer, new ScoreRequest(id, i.eventTime(), i.features(), i.numericFeatures()));
    }
    producer.flush();
    for (Thread t : readers) {
      t.join(TimeUnit.SECONDS.toMillis(60));
    }
    return h;
  }

  private static Thread reader(
      String bootstrap, String isolation, Map<String, Long> sentAt, Histogram h, int total) {
    Thread t =
        new Thread(
            () -> {
              try (Counter c = new Counter(bootstrap, Topic.PREDICTIONS, isolation)) {
                c.seekToEnd();
                long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(5);
                while (h.getTotalCount() < total && System.nanoTime() < deadline) {
                  c.poll(
                      value -> {
                        long now = System.nanoTime();
                        String id = EventSerde.PREDICTION.deserialize(value).requestId();
                        Long sent = sentAt.get(id);
                        if (sent != null) {
                          h.recordValue(TimeUnit.NANOSECONDS.toMicros(now - sent));
                        }
                      });
                }
              }
            },
            "latency-" + isolation);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private void row(String name, Histogram h) {
    System.out.printf(
        "| %s at %,d/s, %,d requests: p50 / p99 / max | %.1f / %.1f / %.1f ms (%,d answered) |%n",
        name,
        rate,
        rate * seconds,
        h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(99) / 1e3,
        h.getMaxValue() / 1e3,
        h.getTotalCount());
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, ScoreRequest r) {
    producer.send(
        new ProducerRecord<>(
            Topic.SCORE_REQUESTS.name(PREFIX),
            r.key().getBytes(StandardCharsets.UTF_8),
            EventSerde.SCORE_REQUEST.serialize(r)));
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.LINGER_MS_CONFIG, "1");
    return new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer());
  }

  private static double sec(long nanos) {
    return nanos / 1e9;
  }

  /** The trainer's last metrics once it reports every row trained. */
  private record Metrics(long version, long at) {
    static Metrics await(String bootstrap, int rows, long deadline) {
      long[] last = {0, 0};
      try (Counter metrics = new Counter(bootstrap, Topic.METRICS, "read_uncommitted")) {
        while (last[0] < rows && System.nanoTime() < deadline) {
          metrics.poll(
              v -> {
                var m = EventSerde.TRAINING_METRICS.deserialize(v);
                last[0] = m.examplesTrained();
                last[1] = m.modelVersion();
              });
        }
      }
      if (last[0] < rows) {
        throw new IllegalStateException(
            "training reached " + last[0] + " of " + rows + " examples");
      }
      return new Metrics(last[1], System.nanoTime());
    }
  }

  /** Reads a topic without a consumer group, counting records. */
  private static final class Counter implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private long count;

    Counter(String bootstrap, Topic topic, String isolation) {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolation);
      consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      List<TopicPartition> partitions =
          consumer.partitionsFor(topic.name(PREFIX)).stream()
              .map(p -> new TopicPartition(p.topic(), p.partition()))
              .toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
    }

    void seekToEnd() {
      consumer.seekToEnd(consumer.assignment());
      consumer.assignment().forEach(consumer::position);
    }

    long poll() {
      poll(v -> {});
      return count;
    }

    void poll(Consumer<byte[]> each) {
      for (var r : consumer.poll(Duration.ofMillis(50))) {
        count++;
        each.accept(r.value());
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
