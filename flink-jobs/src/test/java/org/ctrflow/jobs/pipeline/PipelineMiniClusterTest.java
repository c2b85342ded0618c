package org.ctrflow.jobs.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.replay.DatasetReplay;
import org.ctrflow.connectors.replay.KafkaEventPublisher;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.RecordingPublisher;
import org.ctrflow.connectors.replay.ReplayOptions;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.connectors.testing.TopicRecords;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.join.LabelJoinJob;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.kafka.CommittedEvents;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.PlannedOffsets;
import org.ctrflow.jobs.scoring.ScoringConfig;
import org.ctrflow.jobs.scoring.ScoringJob;
import org.ctrflow.jobs.submit.JobOptions;
import org.ctrflow.jobs.training.TrainingJob;
import org.ctrflow.jobs.training.TrainingSetup;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The three jobs end to end in one MiniCluster (three jobs at parallelism 2, wired by their own
 * {@code onKafka}), against the in-JVM broker: Frappe's test file replayed as impressions and
 * clicks, label join, online training of FinalMLP, and scoring of the same impressions sent as
 * score requests. The replay arrives in two halves: requests for the first half are answered before
 * the second half exists, so the model versions they carry are older than those the second half's
 * requests carry, whatever the machine's speed.
 */
@ExtendWith(KafkaBrokerExtension.class)
class PipelineMiniClusterTest {

  private static final FeatureSchema FRAPPE = FeatureSchemas.frappe();
  private static final String MODEL = "finalmlp";
  private static final long BASE_TIME = 1_700_000_000_000L;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(6)
              .build());

  @TempDir Path store;

  @Test
  @Timeout(600)
  void frappeThroughJoinTrainingAndScoring(KafkaTestCluster kafka) throws Exception {
    Path frappe = SharedData.dataset("frappe/nfm_split/frappe.test.libfm");
    String prefix = kafka.newTopicPrefix();
    String bootstrap = kafka.bootstrapServers();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }
    List<Event> events = replay(frappe);
    List<Impression> impressions =
        events.stream().filter(e -> e instanceof Impression).map(e -> (Impression) e).toList();
    long clicks = events.size() - impressions.size();
    int rows = impressions.size();
    int half = rows / 2;
    int split = events.indexOf(impressions.get(half));
    PlannedOffsets plannedImpressions =
        new PlannedOffsets(
            Topic.IMPRESSIONS.name(prefix), Topic.IMPRESSIONS.spec(prefix).partitions());
    PlannedOffsets plannedClicks =
        new PlannedOffsets(Topic.CLICKS.name(prefix), Topic.CLICKS.spec(prefix).partitions());
    plannedImpressions.plan(impressions.stream().map(Event::key).toList());
    plannedClicks.plan(events.stream().filter(e -> e instanceof Click).map(Event::key).toList());
    publish(bootstrap, prefix, events.subList(0, split));

    long start = System.nanoTime();
    JobClient join =
        submit(
            joinEnvironment(),
            env ->
                LabelJoinJob.onKafka(
                        bootstrap,
                        new Properties(),
                        source(bootstrap, prefix, Topic.IMPRESSIONS, plannedImpressions.stopping()),
                        source(bootstrap, prefix, Topic.CLICKS, plannedClicks.stopping()),
                        source(bootstrap, prefix, Topic.HUMAN_LABELS, OffsetsInitializer.latest()),
                        LabelJoinOptions.Settings.of(Duration.ofMinutes(2), Duration.ofMillis(500))
                            .withTopicPrefix(prefix))
                    .attach(env),
            "label join");
    JobClient training =
        submit(
            environment(),
            env ->
                TrainingJob.onKafka(
                        bootstrap,
                        new Properties(),
                        prefix,
                        KafkaEvents.rawSource(
                                bootstrap,
                                new Properties(),
                                List.of(Topic.LABELED_EXAMPLES.name(prefix)),
                                prefix + "-training",
                                OffsetsInitializer.earliest())
                            .build(),
                        TrainingSetup.of(
                            FRAPPE,
                            List.of(CtrModelConfig.frappe(MODEL, FRAPPE.totalRows())),
                            TrainerConfig.builder().batchSize(256).build(),
                            4_000,
                            1_000,
                            3,
                            200,
                            store.toString()))
                    .build(env),
            "training");
    JobClient scoring =
        submit(
            environment(),
            env ->
                ScoringJob.onKafka(
                        bootstrap,
                        new Properties(),
                        prefix,
                        new ScoringConfig(
                            List.of(MODEL),
                            store.toString(),
                            ScoringConfig.Strategy.ENTROPY,
                            20,
                            600,
                            0,
                            1))
                    .build(env),
            "scoring");

    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
        CommittedEvents<Prediction> predictions =
            new CommittedEvents<>(
                bootstrap, Topic.PREDICTIONS.name(prefix), EventSerde.PREDICTION)) {
      String requests = Topic.SCORE_REQUESTS.name(prefix);
      // First half: requests before any model are held, then scored by what the first half trained.
      sendRequests(producer, requests, impressions.subList(0, half));
      List<Prediction> first = predictions.awaitExactly(half, Duration.ofSeconds(2));
      long firstMax = maxVersion(first);
      System.out.printf(
          "first half: %d predictions at versions %s after %.1f s%n",
          first.size(), versions(first), seconds(start));

      publish(bootstrap, prefix, events.subList(split, events.size()));
      plannedImpressions.verify(bootstrap);
      plannedClicks.verify(bootstrap);
      join.getJobExecutionResult().get(300, TimeUnit.SECONDS);
      List<LabeledExample> examples =
          TopicRecords.readToEnd(
                  bootstrap,
                  Topic.LABELED_EXAMPLES.name(prefix),
                  "read_committed",
                  Duration.ofSeconds(120))
              .stream()
              .map(EventSerde.LABELED_EXAMPLE::deserialize)
              .toList();
      assertThat(examples).hasSize(rows);
      assertThat(examples.stream().map(LabeledExample::id).collect(Collectors.toSet()))
          .isEqualTo(impressions.stream().map(Impression::id).collect(Collectors.toSet()));
      assertThat(examples.stream().filter(e -> e.label() == 1).count()).isEqualTo(clicks);

      TrainingMetrics trained = awaitTrained(bootstrap, prefix, rows);
      System.out.printf(
          "trained %d examples, version %d, after %.1f s%n",
          trained.examplesTrained(), trained.modelVersion(), seconds(start));

      // Second half: in chunks until a newer version answers, then the rest.
      int sent = half;
      while (predictions.all().stream().skip(half).noneMatch(p -> p.modelVersion() > firstMax)) {
        assertThat(sent).as("requests left to send").isLessThan(rows);
        int to = Math.min(rows, sent + 500);
        sendRequests(producer, requests, impressions.subList(sent, to));
        sent = to;
        predictions.awaitCount(sent);
      }
      sendRequests(producer, requests, impressions.subList(sent, rows));
      List<Prediction> all = predictions.awaitExactly(rows, Duration.ofSeconds(2));
      System.out.printf(
          "all %d requests answered at versions %s after %.1f s%n",
          all.size(), versions(all), seconds(start));

      assertThat(all.stream().map(Prediction::requestId).collect(Collectors.toSet()))
          .isEqualTo(impressions.stream().map(Impression::id).collect(Collectors.toSet()));
      assertThat(all).extracting(Prediction::modelName).containsOnly(MODEL);
      // Versions the scoring job applied were committed before it used them.
      long published =
          TopicRecords.readToEnd(
                  bootstrap,
                  Topic.MODEL_UPDATES.name(prefix),
                  "read_committed",
                  Duration.ofSeconds(60))
              .stream()
              .map(EventSerde.MODEL_UPDATE::deserialize)
              .mapToLong(u -> u.version())
              .max()
              .orElseThrow();
      assertThat(versions(all).keySet()).allSatisfy(v -> assertThat(v).isBetween(1L, published));
      List<Prediction> second = all.subList(half, rows);
      Set<String> firstIds = first.stream().map(Prediction::requestId).collect(Collectors.toSet());
      assertThat(second).noneMatch(p -> firstIds.contains(p.requestId()));
      assertThat(maxVersion(second)).isGreaterThan(firstMax);
    } finally {
      for (JobClient job : List.of(join, training, scoring)) {
        if (!job.getJobStatus().get().isGloballyTerminalState()) {
          job.cancel().get();
        }
      }
    }
  }

  /** The file's rows as the replay turns them into events, in publishing order. */
  private static List<Event> replay(Path file) throws Exception {
    try (LibFmReader reader = new LibFmReader(file, LibFmReader.FRAPPE_FIELDS);
        RecordingPublisher recorded = new RecordingPublisher()) {
      new DatasetReplay(ReplayOptions.defaults(BASE_TIME)).run(reader, recorded, stats -> {});
      return recorded.events();
    }
  }

  private static void publish(String bootstrap, String prefix, List<Event> events) {
    try (KafkaEventPublisher publisher = new KafkaEventPublisher(bootstrap, prefix)) {
      RecordingPublisher.replay(events, publisher);
    }
  }

  private static void sendRequests(
      KafkaProducer<byte[], byte[]> producer, String topic, List<Impression> impressions)
      throws Exception {
    for (Impression i : impressions) {
      ScoreRequest request =
          new ScoreRequest(i.id(), i.eventTime(), i.features(), i.numericFeatures());
      producer.send(
          new ProducerRecord<>(
              topic,
              request.key().getBytes(StandardCharsets.UTF_8),
              EventSerde.SCORE_REQUEST.serialize(request)));
    }
    producer.flush();
  }

  /** Waits until the trainer's metrics report {@code rows} examples trained. */
  private static TrainingMetrics awaitTrained(String bootstrap, String prefix, int rows)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(300).toNanos();
    Map<String, TrainingMetrics> last = new HashMap<>();
    while (true) {
      TopicRecords.readToEnd(
              bootstrap, Topic.METRICS.name(prefix), "read_committed", Duration.ofSeconds(60))
          .stream()
          .map(EventSerde.TRAINING_METRICS::deserialize)
          .forEach(m -> last.put(m.modelName(), m));
      TrainingMetrics m = last.get(MODEL);
      if (m != null && m.examplesTrained() >= rows) {
        assertThat(m.examplesTrained()).as("examples trained").isEqualTo(rows);
        return m;
      }
      assertThat(System.nanoTime()).as("trained on time; last metrics " + m).isLessThan(deadline);
      Thread.sleep(500);
    }
  }

  private interface Pipeline {
    void build(StreamExecutionEnvironment env);
  }

  private static JobClient submit(StreamExecutionEnvironment env, Pipeline pipeline, String name)
      throws Exception {
    pipeline.build(env);
    return env.executeAsync(name);
  }

  private static StreamExecutionEnvironment joinEnvironment() {
    Configuration args = new Configuration();
    args.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(500));
    return configured(LabelJoinJob.environmentConfig(args));
  }

  private static StreamExecutionEnvironment environment() {
    StreamExecutionEnvironment env = configured(new Configuration());
    env.enableCheckpointing(500);
    return env;
  }

  private static StreamExecutionEnvironment configured(Configuration conf) {
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  private static org.apache.flink.api.connector.source.Source<
          org.ctrflow.jobs.kafka.RawKafkaRecord, ?, ?>
      source(String bootstrap, String prefix, Topic topic, OffsetsInitializer stop) {
    return KafkaEvents.rawSource(
            bootstrap,
            new Properties(),
            List.of(topic.name(prefix)),
            prefix + "-join",
            OffsetsInitializer.earliest())
        .setBounded(stop)
        .build();
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
    return new KafkaProducer<>(props);
  }

  private static long maxVersion(List<Prediction> predictions) {
    return predictions.stream().mapToLong(Prediction::modelVersion).max().orElseThrow();
  }

  private static Map<Long, Long> versions(List<Prediction> predictions) {
    return predictions.stream()
        .collect(
            Collectors.groupingBy(
                Prediction::modelVersion, java.util.TreeMap::new, Collectors.counting()));
  }

  private static double seconds(long since) {
    return (System.nanoTime() - since) / 1e9;
  }
}
