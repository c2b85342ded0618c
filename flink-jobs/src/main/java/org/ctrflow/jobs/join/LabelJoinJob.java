package org.ctrflow.jobs.join;

import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.StateBackendOptions;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.formats.EventFormat;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.kafka.EventFormatOptions;
import org.ctrflow.jobs.kafka.EventParser;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.RawKafkaRecord;
import org.ctrflow.jobs.submit.JobArguments;
import org.ctrflow.jobs.submit.JobOptions;

/**
 * The label-join job: impressions, clicks and human labels in; labeled examples and dead letters
 * out. Sources and sinks are constructor arguments (Kafka in {@link #main}, anything in tests).
 *
 * <pre>
 * impressions (watermarks per partition) ─ parse ─┐ keyBy id
 *                                                 ├─ {@link LabelJoinFunction} ─┐
 * clicks (watermarks per partition) ────── parse ─┘ keyBy impressionId         ├─ examples
 * human-labels ─ parse ─ keyBy sampleId ─ {@link HumanLabelDeduplicator} ─────┘
 * parse failures + unattributed clicks ──────────────────────────────── dead letters
 * </pre>
 *
 * Every stateful operator has a fixed uid, so a savepoint restores into a newer version of the job.
 */
public final class LabelJoinJob {

  /** Operator uids; part of the savepoint format, never rename them. */
  static final String UID_JOIN = "label-join";

  static final String UID_HUMAN = "human-label-dedup";

  private final Source<RawKafkaRecord, ?, ?> impressions;
  private final Source<RawKafkaRecord, ?, ?> clicks;
  private final Source<RawKafkaRecord, ?, ?> humanLabels;
  private final Sink<LabeledExample> examples;
  private final Sink<DeadLetter> deadLetters;
  private final LabelJoinOptions.Settings settings;
  private final EventFormat format;

  /** The job reading ctrflow's JSON events. */
  public LabelJoinJob(
      Source<RawKafkaRecord, ?, ?> impressions,
      Source<RawKafkaRecord, ?, ?> clicks,
      Source<RawKafkaRecord, ?, ?> humanLabels,
      Sink<LabeledExample> examples,
      Sink<DeadLetter> deadLetters,
      LabelJoinOptions.Settings settings) {
    this(impressions, clicks, humanLabels, examples, deadLetters, settings, EventFormat.ctrflow());
  }

  /**
   * @param format how impressions and clicks are written; human labels are always ctrflow JSON
   */
  public LabelJoinJob(
      Source<RawKafkaRecord, ?, ?> impressions,
      Source<RawKafkaRecord, ?, ?> clicks,
      Source<RawKafkaRecord, ?, ?> humanLabels,
      Sink<LabeledExample> examples,
      Sink<DeadLetter> deadLetters,
      LabelJoinOptions.Settings settings,
      EventFormat format) {
    this.format = format;
    this.impressions = impressions;
    this.clicks = clicks;
    this.humanLabels = humanLabels;
    this.examples = examples;
    this.deadLetters = deadLetters;
    this.settings = settings;
  }

  /** The job's two output streams, before their sinks. */
  public record Outputs(DataStream<LabeledExample> examples, DataStream<DeadLetter> deadLetters) {}

  /** Adds the job to {@code env}, sinks included. */
  public void attach(StreamExecutionEnvironment env) {
    Outputs outputs = build(env);
    outputs.examples().sinkTo(examples).name("labeled examples").uid("examples-sink");
    outputs.deadLetters().sinkTo(deadLetters).name("dead letters").uid("dead-letter-sink");
  }

  /**
   * Adds sources and operators to {@code env}; the caller connects the outputs. Turns on object
   * reuse: every event is an immutable record, so chained operators may pass them on without a
   * defensive copy.
   */
  public Outputs build(StreamExecutionEnvironment env) {
    env.getConfig().enableObjectReuse();
    SingleOutputStreamOperator<Impression> parsedImpressions =
        parse(
            env,
            impressions,
            eventTimeWatermarks(Impression.class),
            Impression.class,
            format,
            "impressions");
    SingleOutputStreamOperator<Click> parsedClicks =
        parse(env, clicks, eventTimeWatermarks(Click.class), Click.class, format, "clicks");
    SingleOutputStreamOperator<HumanLabel> parsedLabels =
        // Human labels need no event time: they become examples as they come.
        parse(
            env,
            humanLabels,
            WatermarkStrategy.noWatermarks(),
            HumanLabel.class,
            EventFormat.ctrflow(),
            "human-labels");

    SingleOutputStreamOperator<LabeledExample> joined =
        parsedImpressions
            .keyBy(Impression::id)
            .connect(parsedClicks.keyBy(Click::impressionId))
            .process(new LabelJoinFunction(settings))
            .name("join impressions and clicks")
            .uid(UID_JOIN);
    SingleOutputStreamOperator<LabeledExample> human =
        parsedLabels
            .keyBy(HumanLabel::sampleId)
            .process(new HumanLabelDeduplicator(settings))
            .name("deduplicate human labels")
            .uid(UID_HUMAN);

    DataStream<DeadLetter> dead =
        parsedImpressions
            .getSideOutput(EventParser.DEAD_LETTERS)
            .union(
                parsedClicks.getSideOutput(EventParser.DEAD_LETTERS),
                parsedLabels.getSideOutput(EventParser.DEAD_LETTERS),
                joined.getSideOutput(LabelJoinFunction.UNATTRIBUTED_CLICKS));
    return new Outputs(joined.union(human), dead);
  }

  /**
   * Bounded out-of-orderness watermarks per Kafka partition, from each record's event time; a
   * partition idle for the idle timeout stops holding the others back.
   */
  private WatermarkStrategy<RawKafkaRecord> eventTimeWatermarks(Class<? extends Event> type) {
    return WatermarkStrategy.<RawKafkaRecord>forBoundedOutOfOrderness(settings.maxOutOfOrderness())
        .withTimestampAssigner(new RawEventTime(format, type))
        .withIdleness(settings.idleTimeout());
  }

  private static <T extends Event> SingleOutputStreamOperator<T> parse(
      StreamExecutionEnvironment env,
      Source<RawKafkaRecord, ?, ?> source,
      WatermarkStrategy<RawKafkaRecord> watermarks,
      Class<T> type,
      EventFormat format,
      String name) {
    return env.fromSource(source, watermarks, name)
        .uid(name + "-source")
        .process(new EventParser<>(type, format))
        .name("parse " + name)
        .uid("parse-" + name);
  }

  /**
   * The Flink settings the job needs whatever cluster runs it: RocksDB keyed state (incremental
   * checkpoints) and exactly-once checkpoints at the configured interval.
   */
  public static Configuration environmentConfig(Configuration args) {
    Configuration env = new Configuration();
    env.set(StateBackendOptions.STATE_BACKEND, "rocksdb");
    env.set(CheckpointingOptions.INCREMENTAL_CHECKPOINTS, true);
    env.set(CheckpointingOptions.CHECKPOINTING_INTERVAL, JobOptions.checkpointInterval(args));
    env.set(CheckpointingOptions.CHECKPOINTING_CONSISTENCY_MODE, CheckpointingMode.EXACTLY_ONCE);
    env.set(
        CheckpointingOptions.EXTERNALIZED_CHECKPOINT_RETENTION,
        org.apache.flink.configuration.ExternalizedCheckpointRetention.RETAIN_ON_CANCELLATION);
    return env;
  }

  /**
   * The job writing to Kafka topics under the settings' prefix: examples and dead letters
   * exactly-once, with transactional ids {@code <prefix>-label-join-examples} and {@code
   * <prefix>-label-join-dead-letters}, stable across restarts.
   *
   * @param client extra Kafka client properties ({@code --kafka-properties}), e.g. TLS
   * @param impressions source of the impressions topic; {@code clicks} and {@code humanLabels}
   *     alike (from committed offsets in production; bounded in tests and replays)
   */
  public static LabelJoinJob onKafka(
      String bootstrap,
      Properties client,
      Source<RawKafkaRecord, ?, ?> impressions,
      Source<RawKafkaRecord, ?, ?> clicks,
      Source<RawKafkaRecord, ?, ?> humanLabels,
      LabelJoinOptions.Settings settings) {
    return onKafka(
        bootstrap, client, impressions, clicks, humanLabels, settings, EventFormat.ctrflow());
  }

  /**
   * As {@link #onKafka(String, Properties, Source, Source, Source, LabelJoinOptions.Settings)},
   * reading impressions and clicks in {@code format}.
   */
  public static LabelJoinJob onKafka(
      String bootstrap,
      Properties client,
      Source<RawKafkaRecord, ?, ?> impressions,
      Source<RawKafkaRecord, ?, ?> clicks,
      Source<RawKafkaRecord, ?, ?> humanLabels,
      LabelJoinOptions.Settings settings,
      EventFormat format) {
    String prefix = settings.topicPrefix();
    return new LabelJoinJob(
        impressions,
        clicks,
        humanLabels,
        KafkaEvents.sink(
            bootstrap,
            client,
            Topic.LABELED_EXAMPLES,
            prefix,
            LabeledExample.class,
            DeliveryGuarantee.EXACTLY_ONCE,
            prefix + "-label-join-examples"),
        KafkaEvents.sink(
            bootstrap,
            client,
            Topic.DEAD_LETTER,
            prefix,
            DeadLetter.class,
            DeliveryGuarantee.EXACTLY_ONCE,
            prefix + "-label-join-dead-letters"),
        settings,
        format);
  }

  /**
   * Runs the job on Kafka: {@code --bootstrap-servers host:port [--topic-prefix ctrflow]
   * [--attribution-window 15min] [--max-out-of-orderness 5s] [--idle-timeout 30s] [--state-ttl 24h]
   * [--checkpoint-interval 10s] [--kafka-properties FILE] [--event-format json --event-mapping
   * FILE]}.
   */
  public static void main(String[] args) throws Exception {
    Configuration config = JobArguments.parse(args, LabelJoinOptions.allOptions());
    LabelJoinOptions.Settings settings = LabelJoinOptions.settings(config);
    EventFormat format = EventFormatOptions.eventFormat(config);
    String bootstrap = config.get(JobOptions.BOOTSTRAP_SERVERS);
    Properties client = JobOptions.kafkaProperties(config);
    String prefix = settings.topicPrefix();
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(environmentConfig(config));
    onKafka(
            bootstrap,
            client,
            kafkaSource(
                bootstrap,
                client,
                prefix,
                topic(format, Impression.class, Topic.IMPRESSIONS, prefix)),
            kafkaSource(
                bootstrap, client, prefix, topic(format, Click.class, Topic.CLICKS, prefix)),
            kafkaSource(bootstrap, client, prefix, Topic.HUMAN_LABELS.name(prefix)),
            settings,
            format)
        .attach(env);
    env.execute("ctrflow label-join (" + prefix + ")");
  }

  /** The topic the event format's mapping names for {@code type}, else ctrflow's. */
  static String topic(EventFormat format, Class<? extends Event> type, Topic topic, String prefix) {
    String mapped = format.topic(type);
    return mapped != null ? mapped : topic.name(prefix);
  }

  /**
   * Reads a topic from the group's committed offsets, or from the earliest record the first time: a
   * restore from a checkpoint or savepoint uses the offsets stored in it instead.
   */
  private static Source<RawKafkaRecord, ?, ?> kafkaSource(
      String bootstrap, Properties client, String prefix, String topic) {
    return KafkaEvents.rawSource(
            bootstrap,
            client,
            List.of(topic),
            // <prefix>-label-join: the prefix the component's KafkaUser may use groups under.
            prefix + "-label-join",
            OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .build();
  }
}
