package org.ctrflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.avro.Schema;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.formats.EventFormat;
import org.ctrflow.connectors.formats.EventMapping;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.InProcessSchemaRegistry;
import org.ctrflow.connectors.testing.TopicRecords;
import org.ctrflow.connectors.testing.TopicRecords.Entry;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.join.LabelJoinJob;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.kafka.CommittedEvents;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.RawKafkaRecord;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The label join and the scoring job on a MiniCluster at parallelism 2 reading events of the user's
 * own shape, as JSON and as Avro in the schema-registry wire format (writer schemas from a registry
 * in this JVM), one mapping for both: every valid event is joined or scored, every malformed one is
 * a dead letter whose reason names the field, and the counts add up.
 */
@ExtendWith(KafkaBrokerExtension.class)
class UserFormatsMiniClusterTest {

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(METRICS.addToConfiguration(new Configuration()))
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  private static final InProcessSchemaRegistry REGISTRY = new InProcessSchemaRegistry();

  private static final int IMPRESSIONS = 40;
  private static final int REQUESTS = 30;

  /** One mapping for both encodings: the JSON and the Avro records have the same shape. */
  private static final String MAPPING =
      """
      {"impressions": {"id": "impression_id", "eventTime": "ts",
                       "features": {"user": "user.id", "item": "item"},
                       "numericFeatures": {"price": "price"}},
       "clicks": {"impressionId": "impression", "eventTime": "at"},
       "scoreRequests": {"requestId": "request_id", "eventTime": "ts",
                         "features": {"user": "user.id", "item": "item"}}}
      """;

  private static final Schema USER =
      SchemaBuilder.record("User").fields().requiredString("id").endRecord();
  private static final Schema IMPRESSION =
      SchemaBuilder.record("AdImpression")
          .fields()
          .requiredString("impression_id")
          .requiredLong("ts")
          .name("user")
          .type(USER)
          .noDefault()
          .requiredString("item")
          .optionalDouble("price")
          .endRecord();
  private static final Schema CLICK =
      SchemaBuilder.record("AdClick")
          .fields()
          .requiredString("impression")
          .requiredLong("at")
          .endRecord();
  private static final Schema REQUEST =
      SchemaBuilder.record("ScoreCall")
          .fields()
          .requiredString("request_id")
          .requiredLong("ts")
          .name("user")
          .type(USER)
          .noDefault()
          .requiredString("item")
          .endRecord();

  /** A writer schema whose records lack the impression id the mapping reads. */
  private static final Schema IMPRESSION_WITHOUT_ID =
      SchemaBuilder.record("AdImpressionV0")
          .fields()
          .requiredLong("ts")
          .name("user")
          .type(USER)
          .noDefault()
          .requiredString("item")
          .endRecord();

  @TempDir Path store;

  @AfterAll
  static void stopRegistry() {
    REGISTRY.close();
  }

  /** Encodes records of the user's shape as JSON or as framed Avro. */
  private record Encoder(String kind, Map<Schema, Integer> ids) {

    static Encoder of(String kind) {
      Map<Schema, Integer> ids = new HashMap<>();
      for (Schema s : List.of(IMPRESSION, CLICK, REQUEST, IMPRESSION_WITHOUT_ID)) {
        ids.put(s, REGISTRY.register(s));
      }
      return new Encoder(kind, ids);
    }

    EventFormat format() {
      return EventFormat.of(
          EventFormat.Kind.parse(kind),
          EventMapping.parse(MAPPING),
          kind.equals("avro") ? REGISTRY.url() : null);
    }

    byte[] encode(Schema schema, Map<String, Object> values) {
      if (kind.equals("json")) {
        return json(values).getBytes(StandardCharsets.UTF_8);
      }
      return InProcessSchemaRegistry.frame(ids.get(schema), record(schema, values));
    }

    private static GenericRecord record(Schema schema, Map<String, Object> values) {
      GenericRecord r = new GenericData.Record(schema);
      values.forEach((k, v) -> r.put(k, v instanceof Map<?, ?> m ? record(USER, cast(m)) : v));
      return r;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<?, ?> m) {
      return (Map<String, Object>) m;
    }

    private static String json(Map<String, Object> values) {
      StringBuilder s = new StringBuilder("{");
      values.forEach(
          (k, v) -> {
            if (s.length() > 1) {
              s.append(',');
            }
            s.append('"').append(k).append("\":");
            s.append(
                v instanceof Map<?, ?> m
                    ? json(cast(m))
                    : v instanceof String t ? "\"" + t + "\"" : String.valueOf(v));
          });
      return s.append('}').toString();
    }
  }

  private static Map<String, Object> impression(int i) {
    Map<String, Object> v = new java.util.LinkedHashMap<>();
    v.put("impression_id", "imp-" + i);
    v.put("ts", 100L * i);
    v.put("user", Map.of("id", "u" + i % 5));
    v.put("item", "i" + i % 7);
    v.put("price", 1.5 * i);
    return v;
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "avro"})
  @Timeout(180)
  void joinsUserShapedEventsAndDeadLettersWhatDoesNotMap(String kind, KafkaTestCluster kafka)
      throws Exception {
    Encoder encoder = Encoder.of(kind);
    String prefix = topics(kafka);
    List<Entry> impressions = new ArrayList<>();
    List<Entry> clicks = new ArrayList<>();
    for (int i = 0; i < IMPRESSIONS; i++) {
      impressions.add(Entry.of("imp-" + i, encoder.encode(IMPRESSION, impression(i))));
      if (i % 2 == 0) {
        clicks.add(
            Entry.of(
                "imp-" + i,
                encoder.encode(CLICK, Map.of("impression", "imp-" + i, "at", 100L * i + 50))));
      }
    }
    // Malformed: no impression id, no features at all, not the format; a click without its time.
    Map<String, Object> noId = impression(100);
    noId.remove("impression_id");
    noId.remove("price");
    impressions.add(Entry.of("bad-1", encoder.encode(IMPRESSION_WITHOUT_ID, noId)));
    impressions.add(Entry.of("bad-2", "{not an event".getBytes(StandardCharsets.UTF_8)));
    clicks.add(Entry.of("bad-3", new byte[] {0, 0, 0, 0x7f, 0x7f, 1, 2}));
    int malformed = 3;
    TopicRecords.write(kafka.bootstrapServers(), Topic.IMPRESSIONS.name(prefix), impressions);
    TopicRecords.write(kafka.bootstrapServers(), Topic.CLICKS.name(prefix), clicks);

    StreamExecutionEnvironment env = environment();
    LabelJoinJob.onKafka(
            kafka.bootstrapServers(),
            new Properties(),
            bounded(kafka, prefix, Topic.IMPRESSIONS),
            bounded(kafka, prefix, Topic.CLICKS),
            bounded(kafka, prefix, Topic.HUMAN_LABELS),
            LabelJoinOptions.Settings.of(Duration.ofSeconds(1), Duration.ofMillis(500))
                .withTopicPrefix(prefix),
            encoder.format())
        .attach(env);
    JobExecutionResult result = env.execute("label join on " + kind + " events");

    List<LabeledExample> examples =
        read(kafka, Topic.LABELED_EXAMPLES.name(prefix), IMPRESSIONS, EventSerde.LABELED_EXAMPLE);
    assertThat(examples).hasSize(IMPRESSIONS);
    assertThat(examples.stream().filter(e -> e.label() == 1)).hasSize(IMPRESSIONS / 2);
    assertThat(examples.get(0).features()).containsKeys("user", "item");
    assertThat(examples.stream().filter(e -> e.id().equals("imp-3")).findFirst().orElseThrow())
        .satisfies(
            e -> {
              assertThat(e.features()).containsEntry("user", "u3").containsEntry("item", "i3");
              assertThat(e.numericFeatures()).containsEntry("price", 4.5);
            });
    List<DeadLetter> dead =
        read(kafka, Topic.DEAD_LETTER.name(prefix), malformed, EventSerde.DEAD_LETTER);
    assertThat(dead).hasSize(malformed);
    assertThat(dead)
        .extracting(DeadLetter::errorMessage)
        .anySatisfy(m -> assertThat(m).startsWith("id: (path impression_id) is missing"))
        .anySatisfy(
            m ->
                assertThat(m)
                    .startsWith(kind.equals("json") ? "$: not valid JSON" : "$: not Avro in the"));
    assertThat(dead)
        .filteredOn(d -> d.topic().equals(Topic.CLICKS.name(prefix)))
        .singleElement()
        .satisfies(
            d ->
                assertThat(d.errorMessage())
                    .startsWith(
                        kind.equals("json")
                            ? "$: not valid JSON"
                            : "$: schema id 32639 is not in the registry"));

    Map<String, Long> parsedImpressions = counters(result, "parse impressions");
    Map<String, Long> parsedClicks = counters(result, "parse clicks");
    assertThat(parsedImpressions)
        .containsEntry("eventsIn", (long) IMPRESSIONS + 2)
        .containsEntry("eventsParsed", (long) IMPRESSIONS)
        .containsEntry("eventsDeadLettered", 2L);
    assertThat(parsedClicks)
        .containsEntry("eventsIn", (long) IMPRESSIONS / 2 + 1)
        .containsEntry("eventsParsed", (long) IMPRESSIONS / 2)
        .containsEntry("eventsDeadLettered", 1L);
    long positives = examples.stream().filter(e -> e.label() == 1).count();
    assertThat(examples.size() + positives + dead.size())
        .as("every record read is in an example (a click in its positive) or a dead letter")
        .isEqualTo(impressions.size() + clicks.size());
  }

  @ParameterizedTest(name = "{0}")
  @ValueSource(strings = {"json", "avro"})
  @Timeout(240)
  void scoresUserShapedRequestsAndDeadLettersWhatDoesNotMap(String kind, KafkaTestCluster kafka)
      throws Exception {
    Encoder encoder = Encoder.of(kind);
    String prefix = topics(kafka);
    String bootstrap = kafka.bootstrapServers();
    try (ScoringModels models = new ScoringModels(new DirectoryModelStore(store))) {
      TopicRecords.write(
          bootstrap,
          Topic.MODEL_UPDATES.name(prefix),
          List.of(Entry.of("finalmlp", EventSerde.MODEL_UPDATE.serialize(models.snapshot(1)))));
    }
    List<Entry> requests = new ArrayList<>();
    for (int i = 0; i < REQUESTS; i++) {
      Map<String, Object> v = new java.util.LinkedHashMap<>();
      v.put("request_id", "req-" + i);
      v.put("ts", 10L * i);
      v.put("user", Map.of("id", String.valueOf(i % 50)));
      v.put("item", String.valueOf(957 + i));
      requests.add(Entry.of("req-" + i, encoder.encode(REQUEST, v)));
    }
    requests.add(
        Entry.of(
            "bad-1",
            encoder.encode(
                IMPRESSION_WITHOUT_ID,
                Map.of("ts", 1L, "user", Map.of("id", "1"), "item", "957"))));
    requests.add(Entry.of("bad-2", new byte[] {'[', '1', ']'}));
    int malformed = 2;
    TopicRecords.write(bootstrap, Topic.SCORE_REQUESTS.name(prefix), requests);

    StreamExecutionEnvironment env = environment();
    env.enableCheckpointing(300);
    ScoringJob.onKafka(
            bootstrap,
            new Properties(),
            prefix,
            new ScoringConfig(
                List.of("finalmlp"),
                store.toString(),
                ScoringConfig.Strategy.ENTROPY,
                20,
                60,
                0,
                1),
            encoder.format())
        .build(env);
    JobClient job = env.executeAsync("scoring " + kind + " requests");
    try (CommittedEvents<Prediction> predictions =
            new CommittedEvents<>(
                bootstrap, Topic.PREDICTIONS.name(prefix), EventSerde.PREDICTION);
        CommittedEvents<DeadLetter> dead =
            new CommittedEvents<>(
                bootstrap, Topic.DEAD_LETTER.name(prefix), EventSerde.DEAD_LETTER)) {
      List<Prediction> scored = predictions.awaitExactly(REQUESTS, Duration.ofSeconds(2));
      assertThat(scored).extracting(Prediction::requestId).doesNotHaveDuplicates();
      assertThat(scored).extracting(Prediction::modelVersion).containsOnly(1L);
      List<DeadLetter> letters = dead.awaitExactly(malformed, Duration.ofMillis(500));
      assertThat(letters)
          .extracting(DeadLetter::errorMessage)
          .anySatisfy(m -> assertThat(m).startsWith("requestId: (path request_id) is missing"))
          .anySatisfy(
              m ->
                  assertThat(m)
                      .startsWith(
                          kind.equals("json")
                              ? "$: expected a record (JSON object), was ARRAY"
                              : "$: not Avro in the"));
      assertThat(scored.size() + letters.size()).isEqualTo(requests.size());
    } finally {
      job.cancel().get();
    }
  }

  private static String topics(KafkaTestCluster kafka) throws Exception {
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
      admin.createTopics(Topic.specs(prefix));
    }
    return prefix;
  }

  private static StreamExecutionEnvironment environment() {
    Configuration args = new Configuration();
    args.set(org.ctrflow.jobs.submit.JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(200));
    Configuration conf = LabelJoinJob.environmentConfig(args);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  private static org.apache.flink.api.connector.source.Source<RawKafkaRecord, ?, ?> bounded(
      KafkaTestCluster kafka, String prefix, Topic topic) {
    return KafkaEvents.rawSource(
            kafka.bootstrapServers(),
            new Properties(),
            List.of(topic.name(prefix)),
            "test-" + prefix,
            OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .build();
  }

  private static <T extends org.ctrflow.connectors.events.Event> List<T> read(
      KafkaTestCluster kafka, String topic, int n, EventSerde<T> serde) {
    return TopicRecords.readCommitted(kafka.bootstrapServers(), topic, n, Duration.ofSeconds(120))
        .stream()
        .map(serde::deserialize)
        .toList();
  }

  /** An operator's counters summed over its parallel subtasks. */
  private static Map<String, Long> counters(JobExecutionResult result, String operator) {
    Map<String, Long> sums = new HashMap<>();
    METRICS
        .findOperatorMetricGroups(result.getJobID(), operator)
        .forEach(
            group ->
                METRICS
                    .getMetricsByGroup(group)
                    .forEach(
                        (name, metric) -> {
                          if (metric instanceof Counter c) {
                            sums.merge(name, c.getCount(), Long::sum);
                          }
                        }));
    assertThat(sums).as("counters of " + operator).isNotEmpty();
    return sums;
  }
}
