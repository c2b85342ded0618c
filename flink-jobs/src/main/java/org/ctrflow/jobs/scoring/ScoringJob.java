package org.ctrflow.jobs.scoring;

import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.formats.EventFormat;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.kafka.EventFormatOptions;
import org.ctrflow.jobs.kafka.EventParser;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.RawKafkaRecord;
import org.ctrflow.jobs.submit.JobArguments;
import org.ctrflow.jobs.submit.JobOptions;

/**
 * The scoring job: score requests ⋈ broadcast model updates -> predictions, and the samples chosen
 * for labeling -> label requests. Sources and sinks are constructor arguments (tests pass their
 * own); {@link #main} wires Kafka.
 *
 * <pre>
 * score-requests --parse--> ScoringOperator (batches) --> predictions
 *                               ^          \--(side output)--> label-requests
 * model-updates --parse--> broadcast
 * malformed records of either topic --> dead-letter
 * </pre>
 */
public final class ScoringJob {

  private final Source<RawKafkaRecord, ?, ?> requests;
  private final Source<RawKafkaRecord, ?, ?> modelUpdates;
  private final Sink<Prediction> predictions;
  private final Sink<LabelRequest> labelRequests;
  private final Sink<DeadLetter> deadLetters;
  private final ScoringConfig config;
  private final EventFormat format;

  /** The job reading ctrflow's JSON score requests. */
  public ScoringJob(
      Source<RawKafkaRecord, ?, ?> requests,
      Source<RawKafkaRecord, ?, ?> modelUpdates,
      Sink<Prediction> predictions,
      Sink<LabelRequest> labelRequests,
      Sink<DeadLetter> deadLetters,
      ScoringConfig config) {
    this(
        requests,
        modelUpdates,
        predictions,
        labelRequests,
        deadLetters,
        config,
        EventFormat.ctrflow());
  }

  /**
   * @param format how score requests are written; model updates are always ctrflow's
   */
  public ScoringJob(
      Source<RawKafkaRecord, ?, ?> requests,
      Source<RawKafkaRecord, ?, ?> modelUpdates,
      Sink<Prediction> predictions,
      Sink<LabelRequest> labelRequests,
      Sink<DeadLetter> deadLetters,
      ScoringConfig config,
      EventFormat format) {
    this.format = format;
    this.requests = requests;
    this.modelUpdates = modelUpdates;
    this.predictions = predictions;
    this.labelRequests = labelRequests;
    this.deadLetters = deadLetters;
    this.config = config;
  }

  /**
   * Adds the job's operators to {@code env}, and turns on object reuse: every event is an immutable
   * record, so chained operators may pass them on without a defensive copy.
   */
  public void build(StreamExecutionEnvironment env) {
    env.getConfig().enableObjectReuse();
    SingleOutputStreamOperator<ScoreRequest> parsedRequests =
        env.fromSource(requests, WatermarkStrategy.noWatermarks(), "score-requests")
            .uid("score-requests-source")
            .process(new EventParser<>(ScoreRequest.class, format))
            .uid("parse-score-requests")
            .name("parse score requests");
    // A request waits at most max-batch-delay for its batch; it should not wait longer in a
    // network buffer on its way to the scorer (Flink flushes those every 100 ms by default).
    parsedRequests.setBufferTimeout(config.maxBatchDelayMillis());
    // One partition, compacted: a single reader keeps the updates in their published order.
    SingleOutputStreamOperator<ModelUpdate> parsedUpdates =
        env.fromSource(modelUpdates, WatermarkStrategy.noWatermarks(), "model-updates")
            .setParallelism(1)
            .uid("model-updates-source")
            .process(new EventParser<>(ModelUpdate.class))
            .setParallelism(1)
            .uid("parse-model-updates")
            .name("parse model updates");
    SingleOutputStreamOperator<Prediction> scored =
        parsedRequests
            .connect(parsedUpdates.broadcast())
            .transform(
                "score and select for labeling",
                TypeInformation.of(Prediction.class),
                new ScoringOperator(config))
            .uid("score");
    scored.sinkTo(predictions).uid("predictions-sink").name("predictions");
    scored
        .getSideOutput(ScoringOperator.LABEL_REQUESTS)
        .sinkTo(labelRequests)
        .uid("label-requests-sink")
        .name("label requests");
    parsedRequests
        .getSideOutput(EventParser.DEAD_LETTERS)
        .union(parsedUpdates.getSideOutput(EventParser.DEAD_LETTERS))
        .sinkTo(deadLetters)
        .uid("dead-letter-sink")
        .name("dead letters");
  }

  public JobExecutionResult execute(StreamExecutionEnvironment env) throws Exception {
    build(env);
    return env.execute("ctrflow scoring");
  }

  /**
   * The job on Kafka topics under {@code prefix}: requests from the committed offsets (the start
   * for a new group), model updates from the start of their compacted topic (the latest snapshot
   * announcement of every model and the deltas after it; a restore resumes from the checkpointed
   * offsets instead), exactly-once sinks with transactional ids {@code <prefix>-scoring-*}.
   */
  public static ScoringJob onKafka(
      String bootstrap, Properties client, String prefix, ScoringConfig config) {
    return onKafka(bootstrap, client, prefix, config, EventFormat.ctrflow());
  }

  /**
   * As {@link #onKafka(String, Properties, String, ScoringConfig)}, reading score requests in
   * {@code format} (from the topic its mapping names, if it does).
   */
  public static ScoringJob onKafka(
      String bootstrap,
      Properties client,
      String prefix,
      ScoringConfig config,
      EventFormat format) {
    String requestTopic = format.topic(ScoreRequest.class);
    return new ScoringJob(
        KafkaEvents.rawSource(
                bootstrap,
                client,
                List.of(requestTopic != null ? requestTopic : Topic.SCORE_REQUESTS.name(prefix)),
                prefix + "-scoring",
                OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
            .build(),
        KafkaEvents.rawSource(
                bootstrap,
                client,
                List.of(Topic.MODEL_UPDATES.name(prefix)),
                prefix + "-scoring-models",
                OffsetsInitializer.earliest())
            .build(),
        sink(bootstrap, client, prefix, Topic.PREDICTIONS, Prediction.class, "predictions"),
        sink(bootstrap, client, prefix, Topic.LABEL_REQUESTS, LabelRequest.class, "label-requests"),
        sink(bootstrap, client, prefix, Topic.DEAD_LETTER, DeadLetter.class, "dead-letters"),
        config,
        format);
  }

  private static <T extends Event> Sink<T> sink(
      String bootstrap, Properties client, String prefix, Topic topic, Class<T> type, String name) {
    return KafkaEvents.sink(
        bootstrap,
        client,
        topic,
        prefix,
        type,
        DeliveryGuarantee.EXACTLY_ONCE,
        prefix + "-scoring-" + name);
  }

  /**
   * {@code --bootstrap-servers HOST:PORT [--topic-prefix ctrflow] [--kafka-properties FILE]
   * [--checkpoint-interval 10s]} plus the options of {@link ScoringOptions}.
   */
  public static void main(String[] args) throws Exception {
    Configuration options = JobArguments.parse(args, ScoringOptions.allOptions());
    ScoringConfig config = ScoringOptions.config(options);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(
        JobOptions.checkpointInterval(options).toMillis(), CheckpointingMode.EXACTLY_ONCE);
    onKafka(
            options.get(JobOptions.BOOTSTRAP_SERVERS),
            JobOptions.kafkaProperties(options),
            JobOptions.topicPrefix(options),
            config,
            EventFormatOptions.eventFormat(options))
        .execute(env);
  }
}
