package org.ctrflow.jobs.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.TopicRecords;
import org.ctrflow.connectors.testing.TopicRecords.Entry;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.PlannedOffsets;
import org.ctrflow.jobs.kafka.RawKafkaRecord;
import org.ctrflow.jobs.submit.JobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The label-join job on a MiniCluster at parallelism 2 against the in-JVM Kafka broker, with
 * RocksDB state and exactly-once Kafka sinks: exact example and dead-letter counts, balanced
 * counters, and no loss or duplicate across a task failure and restore from a checkpoint.
 */
@ExtendWith(KafkaBrokerExtension.class)
class LabelJoinJobMiniClusterTest {

  private static final InMemoryReporter METRICS = InMemoryReporter.createWithRetainedMetrics();

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setConfiguration(METRICS.addToConfiguration(new Configuration()))
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @ParameterizedTest(name = "hold-positives {0}")
  @ValueSource(booleans = {false, true})
  @Timeout(180)
  void joinsWithExactCountsAndBalancedCounters(boolean holdPositives, KafkaTestCluster kafka)
      throws Exception {
    String prefix = setUp(kafka);
    StreamExecutionEnvironment env = environment(prefix, "none");
    job(kafka, prefix, topic -> OffsetsInitializer.latest(), holdPositives).attach(env);
    long started = System.currentTimeMillis();
    JobExecutionResult result = env.execute("label join");

    assertExamples(kafka, prefix);
    // The scenario's event times are in 1970: records stamped with them would be deleted by the
    // broker's next retention check (7 days from the record timestamp) before anyone read them.
    for (Topic output : List.of(Topic.LABELED_EXAMPLES, Topic.DEAD_LETTER)) {
      assertThat(
              TopicRecords.readRecordsToEnd(
                  kafka.bootstrapServers(),
                  output.name(prefix),
                  "read_committed",
                  Duration.ofSeconds(60)))
          .extracting(ConsumerRecord::timestamp)
          .as("%s records stamped when written, not with their event time", output)
          .isNotEmpty()
          .allSatisfy(t -> assertThat(t).isGreaterThanOrEqualTo(started));
    }
    List<DeadLetter> dead = deadLetters(kafka, prefix);
    assertThat(dead).hasSize(JoinScenario.DEAD_LETTERS);
    Map<String, Long> reasons = new HashMap<>();
    dead.forEach(d -> reasons.merge(d.errorMessage().split(" ")[0], 1L, Long::sum));
    assertThat(reasons)
        .containsEntry("outside_window", (long) JoinScenario.OUTSIDE_WINDOW)
        .containsEntry("orphan", (long) JoinScenario.ORPHANS);

    Map<String, Long> join = counters(result, "join impressions and clicks");
    assertThat(join.get("recordsIn"))
        .isEqualTo(
            JoinScenario.IMPRESSIONS + JoinScenario.DUPLICATE_IMPRESSIONS + JoinScenario.CLICKS);
    assertThat(join.get("recordsJoined"))
        .isEqualTo(JoinScenario.IMPRESSIONS + JoinScenario.POSITIVES);
    assertThat(join.get("recordsDeduplicated"))
        .isEqualTo(JoinScenario.DUPLICATE_IMPRESSIONS + JoinScenario.DUPLICATE_CLICKS);
    assertThat(join.get("recordsDeadLettered"))
        .isEqualTo(JoinScenario.OUTSIDE_WINDOW + JoinScenario.ORPHANS);
    assertThat(join.get("recordsPending")).isZero();
    assertThat(join.get("recordsIn"))
        .isEqualTo(
            join.get("recordsJoined")
                + join.get("recordsDeduplicated")
                + join.get("recordsDeadLettered")
                + join.get("recordsPending"));
    Map<String, Long> human = counters(result, "deduplicate human labels");
    assertThat(human.get("examplesOut")).isEqualTo(JoinScenario.HUMAN_LABELS);
    assertThat(human.get("recordsDeduplicated")).isEqualTo(5);
    for (String topic : List.of("impressions", "clicks", "human-labels")) {
      Map<String, Long> parse = counters(result, "parse " + topic);
      assertThat(parse.get("eventsDeadLettered")).as(topic).isEqualTo(2);
      assertThat(parse.get("eventsIn"))
          .isEqualTo(parse.get("eventsParsed") + parse.get("eventsDeadLettered"));
    }
  }

  @Test
  @Timeout(300)
  void aTaskFailureMidStreamLosesAndDoublesNoExample(KafkaTestCluster kafka) throws Exception {
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
      admin.createTopics(Topic.specs(prefix));
    }
    // The input in two steps, split in event time: the job reads the first, a checkpoint with its
    // join state completes, and only then does the second arrive (and the failure with it).
    Map<Topic, List<Entry>> first = new EnumMap<>(Topic.class);
    Map<Topic, List<Entry>> second = new EnumMap<>(Topic.class);
    Map<Topic, PlannedOffsets> planned = new EnumMap<>(Topic.class);
    JoinScenario.all()
        .forEach(
            (topic, entries) -> {
              first.put(topic, entries.stream().filter(e -> time(e) < SPLIT_TIME).toList());
              second.put(topic, entries.stream().filter(e -> time(e) >= SPLIT_TIME).toList());
              planned.put(
                  topic,
                  new PlannedOffsets(topic.name(prefix), topic.spec(prefix).partitions())
                      .plan(entries.stream().map(Entry::key).toList()));
            });
    write(kafka, prefix, first);

    StreamExecutionEnvironment env = environment(prefix, "fixed-delay");
    LabelJoinJob.Outputs outputs =
        job(kafka, prefix, topic -> planned.get(topic).stopping(), false).build(env);
    outputs
        .examples()
        .map(new FailOnceAfterACheckpoint(prefix))
        .name("fail once")
        .sinkTo(
            KafkaEvents.sink(
                kafka.bootstrapServers(),
                new Properties(),
                Topic.LABELED_EXAMPLES,
                prefix,
                LabeledExample.class,
                DeliveryGuarantee.EXACTLY_ONCE,
                prefix + "-examples"));
    outputs
        .deadLetters()
        .sinkTo(
            KafkaEvents.sink(
                kafka.bootstrapServers(),
                new Properties(),
                Topic.DEAD_LETTER,
                prefix,
                DeadLetter.class,
                DeliveryGuarantee.EXACTLY_ONCE,
                prefix + "-dead"));
    JobClient job = env.executeAsync("label join with a failure");
    try {
      long deadline = System.nanoTime() + Duration.ofSeconds(120).toNanos();
      while (!FailOnceAfterACheckpoint.ARMED.get(prefix).get()) {
        assertThat(System.nanoTime())
            .as("a checkpoint after the first examples")
            .isLessThan(deadline);
        assertThat(job.getJobStatus().get().isGloballyTerminalState()).as("job running").isFalse();
        Thread.sleep(50);
      }
      write(kafka, prefix, second);
      planned.values().forEach(p -> p.verify(kafka.bootstrapServers()));
      job.getJobExecutionResult().get(200, TimeUnit.SECONDS);
    } finally {
      if (!job.getJobStatus().get().isGloballyTerminalState()) {
        job.cancel().get();
      }
    }

    assertThat(FailOnceAfterACheckpoint.FAILED.get(prefix))
        .as("the failure was injected; examples seen: " + FailOnceAfterACheckpoint.SEEN.get(prefix))
        .isTrue();
    // Examples after the restored checkpoint went through the operators twice...
    assertThat(FailOnceAfterACheckpoint.SEEN.get(prefix).get())
        .isGreaterThan(JoinScenario.EXAMPLES);
    // ...yet every one is committed exactly once.
    assertExamples(kafka, prefix);
    assertThat(deadLetters(kafka, prefix)).hasSize(JoinScenario.DEAD_LETTERS);
  }

  /**
   * Fails its task once, at its first example after a checkpoint that completed once this subtask
   * had passed examples, so the job restores from a checkpoint with join state (pending
   * impressions, timers, outcomes) and Kafka offsets inside. {@code ARMED} tells the test that such
   * a checkpoint completed, and the test writes the rest of the input only then, so there is always
   * an example after it. Static maps, keyed by the test's topic prefix: the MiniCluster runs tasks
   * in this JVM.
   */
  static final class FailOnceAfterACheckpoint
      implements MapFunction<LabeledExample, LabeledExample>, CheckpointListener {

    static final Map<String, Boolean> FAILED = new ConcurrentHashMap<>();
    static final Map<String, AtomicBoolean> ARMED = new ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> SEEN = new ConcurrentHashMap<>();

    private final String run;
    private transient int seenHere;
    private transient boolean checkpointedWithState;

    FailOnceAfterACheckpoint(String run) {
      this.run = run;
      FAILED.put(run, false);
      ARMED.put(run, new AtomicBoolean());
      SEEN.put(run, new AtomicInteger());
    }

    @Override
    public LabeledExample map(LabeledExample example) {
      SEEN.get(run).incrementAndGet();
      seenHere++;
      if (checkpointedWithState && FAILED.replace(run, false, true)) {
        throw new IllegalStateException("injected failure after " + seenHere + " examples");
      }
      return example;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      // Called between records, on the task's thread; the checkpoint covers what came before.
      if (seenHere > 0 && !FAILED.get(run)) {
        checkpointedWithState = true;
        ARMED.get(run).set(true);
      }
    }
  }

  private static final long SPLIT_TIME = JoinScenario.IMPRESSIONS * 100L / 2;
  private static final RawEventTime EVENT_TIME = new RawEventTime();

  private static long time(Entry entry) {
    return EVENT_TIME.extractTimestamp(new RawKafkaRecord("", 0, 0, 0, entry.value()), 0);
  }

  private static String setUp(KafkaTestCluster kafka) throws Exception {
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
      admin.createTopics(Topic.specs(prefix));
    }
    write(kafka, prefix, JoinScenario.all());
    return prefix;
  }

  private static void write(KafkaTestCluster kafka, String prefix, Map<Topic, List<Entry>> input) {
    input.forEach(
        (topic, entries) ->
            TopicRecords.write(kafka.bootstrapServers(), topic.name(prefix), entries));
  }

  private static StreamExecutionEnvironment environment(String prefix, String restartStrategy) {
    Configuration args = new Configuration();
    args.set(JobOptions.CHECKPOINT_INTERVAL, Duration.ofMillis(200));
    Configuration conf = LabelJoinJob.environmentConfig(args);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, restartStrategy);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_ATTEMPTS, 2);
    conf.set(RestartStrategyOptions.RESTART_STRATEGY_FIXED_DELAY_DELAY, Duration.ofMillis(200));
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    return env;
  }

  private static LabelJoinJob job(
      KafkaTestCluster kafka,
      String prefix,
      Function<Topic, OffsetsInitializer> stop,
      boolean holdPositives) {
    String bootstrap = kafka.bootstrapServers();
    return LabelJoinJob.onKafka(
        bootstrap,
        new Properties(),
        source(bootstrap, prefix, Topic.IMPRESSIONS, stop),
        source(bootstrap, prefix, Topic.CLICKS, stop),
        source(bootstrap, prefix, Topic.HUMAN_LABELS, stop),
        LabelJoinOptions.Settings.of(
                Duration.ofMillis(JoinScenario.WINDOW_MS), Duration.ofMillis(500))
            .withHoldPositives(holdPositives)
            .withTopicPrefix(prefix));
  }

  private static Source<RawKafkaRecord, ?, ?> source(
      String bootstrap, String prefix, Topic topic, Function<Topic, OffsetsInitializer> stop) {
    return KafkaEvents.rawSource(
            bootstrap,
            new Properties(),
            List.of(topic.name(prefix)),
            "test-" + prefix,
            OffsetsInitializer.earliest())
        .setBounded(stop.apply(topic))
        .build();
  }

  private static void assertExamples(KafkaTestCluster kafka, String prefix) {
    List<LabeledExample> examples =
        TopicRecords.readCommitted(
                kafka.bootstrapServers(),
                Topic.LABELED_EXAMPLES.name(prefix),
                JoinScenario.EXAMPLES,
                Duration.ofSeconds(120))
            .stream()
            .map(EventSerde.LABELED_EXAMPLE::deserialize)
            .toList();
    List<String> keys =
        examples.stream().map(e -> e.id() + "/" + e.source() + "/" + e.label()).toList();
    assertThat(keys).hasSize(JoinScenario.EXAMPLES).doesNotHaveDuplicates();
    assertThat(keys).containsExactlyInAnyOrderElementsOf(JoinScenario.expectedExamples());
    assertThat(examples.stream().filter(e -> e.source().name().equals("HUMAN")))
        .allSatisfy(e -> assertThat(e.weight()).isGreaterThanOrEqualTo(2.0));
  }

  private static List<DeadLetter> deadLetters(KafkaTestCluster kafka, String prefix) {
    return TopicRecords.readCommitted(
            kafka.bootstrapServers(),
            Topic.DEAD_LETTER.name(prefix),
            JoinScenario.DEAD_LETTERS,
            Duration.ofSeconds(120))
        .stream()
        .map(EventSerde.DEAD_LETTER::deserialize)
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
