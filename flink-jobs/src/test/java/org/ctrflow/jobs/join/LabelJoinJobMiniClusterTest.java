package org.ctrflow.jobs.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.api.common.state.CheckpointListener;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.testutils.InMemoryReporter;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.TopicRecords;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.RawRecord;
import org.ctrflow.jobs.submit.JobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

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

  @Test
  @Timeout(180)
  void joinsWithExactCountsAndBalancedCounters(KafkaTestCluster kafka) throws Exception {
    String prefix = setUp(kafka);
    StreamExecutionEnvironment env = environment(prefix, "none");
    job(kafka, prefix).attach(env);
    JobExecutionResult result = env.execute("label join");

    assertExamples(kafka, prefix);
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
  @Timeout(180)
  void aTaskFailureMidStreamLosesAndDoublesNoExample(KafkaTestCluster kafka) throws Exception {
    String prefix = setUp(kafka);
    StreamExecutionEnvironment env = environment(prefix, "fixed-delay");
    // Barriers overtake the examples queued in front of the slowed map, so checkpoints complete
    // mid-stream; their in-flight records are part of the state restored.
    env.getCheckpointConfig().enableUnalignedCheckpoints();
    LabelJoinJob.Outputs outputs = job(kafka, prefix).build(env);
    outputs
        .examples()
        .map(new FailOnceAfterACheckpoint(prefix))
        .name("fail once")
        .sinkTo(
            KafkaEvents.sink(
                kafka.bootstrapServers(),
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
                Topic.DEAD_LETTER,
                prefix,
                DeadLetter.class,
                DeliveryGuarantee.EXACTLY_ONCE,
                prefix + "-dead"));
    env.execute("label join with a failure");

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
   * Fails its task once, at the first example after a checkpoint that was taken once this subtask
   * had passed 200 examples, so the job restores from a checkpoint with join state (pending
   * impressions, timers, outcomes) and Kafka offsets inside. Until then each example takes 25 ms
   * (checkpoints took up to 4 s to complete on a loaded 2-core machine), so the stream outlasts
   * one. Static maps, keyed by the test's topic prefix: the MiniCluster runs tasks in this JVM.
   */
  static final class FailOnceAfterACheckpoint
      implements MapFunction<LabeledExample, LabeledExample>, CheckpointListener {

    static final Map<String, Boolean> FAILED = new java.util.concurrent.ConcurrentHashMap<>();
    static final Map<String, AtomicInteger> SEEN = new java.util.concurrent.ConcurrentHashMap<>();

    private final String run;
    private transient int seenHere;
    private transient boolean checkpointedWithState;

    FailOnceAfterACheckpoint(String run) {
      this.run = run;
      FAILED.put(run, false);
      SEEN.put(run, new AtomicInteger());
    }

    @Override
    public LabeledExample map(LabeledExample example) throws Exception {
      SEEN.get(run).incrementAndGet();
      seenHere++;
      if (checkpointedWithState) {
        if (FAILED.replace(run, false, true)) {
          throw new IllegalStateException("injected failure after " + seenHere + " examples");
        }
      } else if (!FAILED.get(run)) {
        Thread.sleep(25);
      }
      return example;
    }

    @Override
    public void notifyCheckpointComplete(long checkpointId) {
      // Called between records, on the task's thread; the checkpoint covers what came before.
      if (seenHere >= 200) {
        checkpointedWithState = true;
      }
    }
  }

  private static String setUp(KafkaTestCluster kafka) throws Exception {
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
      admin.createTopics(Topic.specs(prefix));
    }
    JoinScenario.all()
        .forEach(
            (topic, entries) ->
                TopicRecords.write(kafka.bootstrapServers(), topic.name(prefix), entries));
    return prefix;
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

  private static LabelJoinJob job(KafkaTestCluster kafka, String prefix) {
    String bootstrap = kafka.bootstrapServers();
    return new LabelJoinJob(
        source(bootstrap, prefix, Topic.IMPRESSIONS),
        source(bootstrap, prefix, Topic.CLICKS),
        source(bootstrap, prefix, Topic.HUMAN_LABELS),
        KafkaEvents.sink(
            bootstrap,
            Topic.LABELED_EXAMPLES,
            prefix,
            LabeledExample.class,
            DeliveryGuarantee.EXACTLY_ONCE,
            prefix + "-examples"),
        KafkaEvents.sink(
            bootstrap,
            Topic.DEAD_LETTER,
            prefix,
            DeadLetter.class,
            DeliveryGuarantee.EXACTLY_ONCE,
            prefix + "-dead"),
        LabelJoinOptions.Settings.of(
                Duration.ofMillis(JoinScenario.WINDOW_MS), Duration.ofMillis(500))
            .withTopicPrefix(prefix));
  }

  private static Source<RawRecord, ?, ?> source(String bootstrap, String prefix, Topic topic) {
    return KafkaEvents.rawSource(
            bootstrap, List.of(topic.name(prefix)), "test-" + prefix, OffsetsInitializer.earliest())
        .setBounded(OffsetsInitializer.latest())
        .build();
  }

  private static void assertExamples(KafkaTestCluster kafka, String prefix) {
    List<LabeledExample> examples =
        TopicRecords.readCommitted(
                kafka.bootstrapServers(),
                Topic.LABELED_EXAMPLES.name(prefix),
                JoinScenario.EXAMPLES,
                Duration.ofSeconds(30))
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
            Duration.ofSeconds(30))
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
