package org.ctrflow.jobs.training;

import java.util.List;
import java.util.Properties;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.CheckpointingMode;
import org.apache.flink.streaming.api.datastream.DataStream;
import org.apache.flink.streaming.api.datastream.SingleOutputStreamOperator;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.ctrflow.connectors.events.DeadLetter;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.jobs.kafka.EventParser;
import org.ctrflow.jobs.kafka.KafkaEvents;
import org.ctrflow.jobs.kafka.RawKafkaRecord;
import org.ctrflow.jobs.submit.JobOptions;

/**
 * The online training job: labeled examples in; model versions (snapshot announcements and delta
 * chunks) and per-model metrics out; malformed examples to the dead-letter sink.
 *
 * <pre>
 *   examples ─► parse ─► encode, one copy per model ─► to the model's subtask ─► train ─► updates
 *                 └─► dead letters                                      └─► metrics (side output)
 * </pre>
 *
 * Sources and sinks are constructor arguments (tests pass bounded ones); {@link #main} wires Kafka:
 * updates and dead letters exactly-once (transactions committed on checkpoints, so a restored job
 * never shows a version twice), metrics at-least-once (fresh every tick rather than every
 * checkpoint; a dashboard may see a report repeated or rolled back after a failover).
 */
public final class TrainingJob {

  private final Source<RawKafkaRecord, ?, ?> examples;
  private final Sink<ModelUpdate> updates;
  private final Sink<TrainingMetrics> metrics;
  private final Sink<DeadLetter> deadLetters;
  private final TrainingSetup setup;

  public TrainingJob(
      Source<RawKafkaRecord, ?, ?> examples,
      Sink<ModelUpdate> updates,
      Sink<TrainingMetrics> metrics,
      Sink<DeadLetter> deadLetters,
      TrainingSetup setup) {
    this.examples = examples;
    this.updates = updates;
    this.metrics = metrics;
    this.deadLetters = deadLetters;
    this.setup = setup;
  }

  /**
   * Adds the whole job to {@code env}, and turns on object reuse: every event is an immutable
   * record, so chained operators may pass them on without a defensive copy.
   */
  public void build(StreamExecutionEnvironment env) {
    env.getConfig().enableObjectReuse();
    train(parsedExamples(env));
  }

  /** The source, parsed; malformed records go to the dead-letter sink. */
  public DataStream<LabeledExample> parsedExamples(StreamExecutionEnvironment env) {
    SingleOutputStreamOperator<LabeledExample> parsed =
        env.fromSource(examples, WatermarkStrategy.noWatermarks(), "labeled examples")
            .uid("labeled-examples-source")
            .process(new EventParser<>(LabeledExample.class))
            .uid("parse-labeled-examples")
            .name("parse labeled examples");
    parsed
        .getSideOutput(EventParser.DEAD_LETTERS)
        .sinkTo(deadLetters)
        .uid("dead-letter-sink")
        .name("dead letters");
    return parsed;
  }

  /** Encodes, trains and publishes: the part after parsing (tests may put a stage before it). */
  public void train(DataStream<LabeledExample> labeled) {
    SingleOutputStreamOperator<ModelUpdate> versions =
        labeled
            .flatMap(new ExampleEncoder(setup))
            .uid("encode-examples")
            .name("encode for " + setup.modelNames())
            .partitionCustom(new ModelPartitioner(setup.modelNames()), EncodedExample::model)
            .transform("train", TypeInformation.of(ModelUpdate.class), new TrainerOperator(setup))
            .uid("trainer");
    versions.sinkTo(updates).uid("model-update-sink").name("model updates");
    versions
        .getSideOutput(TrainerOperator.METRICS)
        .sinkTo(metrics)
        .uid("metrics-sink")
        .name("training metrics");
  }

  /**
   * The job on Kafka topics under {@code prefix}: updates and dead letters exactly-once (with
   * transactional ids {@code <prefix>-training-updates} and {@code <prefix>-training-dead-letters},
   * stable across restarts), metrics at-least-once.
   *
   * @param examples a source of the {@code labeled-examples} topic (unbounded in production,
   *     bounded in tests and replays)
   */
  public static TrainingJob onKafka(
      String bootstrap,
      Properties client,
      String prefix,
      Source<RawKafkaRecord, ?, ?> examples,
      TrainingSetup setup) {
    return new TrainingJob(
        examples,
        KafkaEvents.sink(
            bootstrap,
            client,
            Topic.MODEL_UPDATES,
            prefix,
            ModelUpdate.class,
            DeliveryGuarantee.EXACTLY_ONCE,
            prefix + "-training-updates"),
        KafkaEvents.sink(
            bootstrap,
            client,
            Topic.METRICS,
            prefix,
            TrainingMetrics.class,
            DeliveryGuarantee.AT_LEAST_ONCE,
            null),
        KafkaEvents.sink(
            bootstrap,
            client,
            Topic.DEAD_LETTER,
            prefix,
            DeadLetter.class,
            DeliveryGuarantee.EXACTLY_ONCE,
            prefix + "-training-dead-letters"),
        setup);
  }

  /**
   * Runs the job against Kafka; options: see {@link TrainingJobOptions} ({@code --bootstrap-servers
   * HOST:PORT --model-store DIR [--models finalmlp,dnn] ...}).
   */
  public static void main(String[] args) throws Exception {
    Configuration options = TrainingJobOptions.parse(args);
    TrainingSetup setup = TrainingJobOptions.setup(options);
    String bootstrap = options.get(JobOptions.BOOTSTRAP_SERVERS);
    Properties client = JobOptions.kafkaProperties(options);
    String prefix = JobOptions.topicPrefix(options);
    String group = options.getOptional(TrainingJobOptions.GROUP_ID).orElse(prefix + "-training");

    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.enableCheckpointing(
        JobOptions.checkpointInterval(options).toMillis(), CheckpointingMode.EXACTLY_ONCE);
    onKafka(
            bootstrap,
            client,
            prefix,
            KafkaEvents.rawSource(
                    bootstrap,
                    client,
                    List.of(Topic.LABELED_EXAMPLES.name(prefix)),
                    group,
                    OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
                .build(),
            setup)
        .build(env);
    env.execute("ctrflow training " + setup.modelNames());
  }
}
