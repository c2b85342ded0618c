package org.ctrflow.launcher.pipeline;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.flink.configuration.CheckpointingOptions;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.util.FileUtils;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.config.Durations;
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
import org.ctrflow.jobs.scoring.ScoringOptions;
import org.ctrflow.jobs.submit.JobOptions;
import org.ctrflow.jobs.training.TrainingJob;
import org.ctrflow.jobs.training.TrainingSetup;
import org.ctrflow.launcher.DurationConverter;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctrflow bench pipeline}: the label-join, training and scoring jobs in this JVM (local
 * Flink, parallelism 2 each unless --parallelism) against an in-JVM Kafka broker. First the whole
 * Frappe file goes in at once (impressions, clicks and a score request per impression): events/s
 * until every example is committed, trained and every request answered. Then ({@link LatencyPhase})
 * score requests at a fixed rate: latency from sending to the prediction being readable, {@code
 * read_uncommitted} (processing) and {@code read_committed} (what an exactly-once consumer sees, at
 * the next checkpoint). Printed, never asserted. A {@link StageWatch} ends each wait with an error
 * naming the stages' counts when a job fails or no stage progresses for {@code --stall-timeout},
 * instead of waiting in silence.
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
      names = "--duration",
      defaultValue = "20s",
      converter = DurationConverter.class,
      description = "Length of the latency phase, whole seconds (default: ${DEFAULT-VALUE}).")
  Duration duration;

  @Option(
      names = "--stall-timeout",
      defaultValue = "60s",
      converter = DurationConverter.class,
      description =
          "Fail, naming the stages' counts and the jobs' states, when no stage progressed for"
              + " this long (default: ${DEFAULT-VALUE}).")
  Duration stallTimeout;

  @Option(
      names = "--scoring-batch-size",
      description =
          "Most requests the scoring job scores in one forward pass; 1 scores each request on"
              + " its own (default: ${DEFAULT-VALUE}).")
  int scoringBatchSize = ScoringConfig.DEFAULT_BATCH_SIZE;

  @Option(
      names = "--scoring-max-batch-delay",
      converter = DurationConverter.class,
      description =
          "Longest a request waits for its scoring batch to fill (default: the scoring job's"
              + " max-batch-delay).")
  Duration scoringBatchDelay;

  @Option(
      names = "--checkpoint-interval",
      defaultValue = "1s",
      converter = DurationConverter.class,
      description = "Checkpoint interval of the three jobs (default: ${DEFAULT-VALUE}).")
  Duration checkpointInterval;

  @Option(
      names = "--parallelism",
      description = "Parallelism of each of the three jobs (default: ${DEFAULT-VALUE}).")
  int parallelism = 2;

  @Option(
      names = "--hop-baseline",
      description =
          "Also time the request topic alone (sent -> readable, no job in between): the cost of"
              + " one Kafka hop on this machine, under the same load.")
  boolean hopBaseline;

  /** This run's model store and checkpoints, deleted at the end. */
  private Path work;

  @Override
  public Integer call() throws Exception {
    if (!Files.isRegularFile(dataset)) {
      throw new IllegalArgumentException(
          "--dataset: no such file "
              + dataset
              + "; a Frappe libFM file, e.g. ../shared/datasets/frappe/nfm_split/frappe.test.libfm");
    }
    if (rate < 1 || duration.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "--rate must be >= 1 and --duration at least 1s, e.g. --rate 1000 --duration 20s");
    }
    if (parallelism < 1) {
      throw new IllegalArgumentException("--parallelism must be >= 1, e.g. 2; was " + parallelism);
    }
    if (stallTimeout.toSeconds() < 1) {
      throw new IllegalArgumentException(
          "--stall-timeout must be at least 1s, e.g. 60s; was " + Durations.format(stallTimeout));
    }
    try {
      scoringConfig("-");
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--scoring-" + e.getMessage(), e);
    }
    List<Event> events;
    try (LibFmReader reader = new LibFmReader(dataset, LibFmReader.FRAPPE_FIELDS);
        RecordingPublisher recorded = new RecordingPublisher()) {
      new DatasetReplay(ReplayOptions.defaults(1_700_000_000_000L)).run(reader, recorded, s -> {});
      events = recorded.events();
    }
    List<Impression> impressions =
        events.stream().filter(e -> e instanceof Impression).map(e -> (Impression) e).toList();
    work = Files.createTempDirectory("ctrflow-bench-pipeline-");
    try {
      return run(events, impressions);
    } finally {
      FileUtils.deleteDirectory(work.toFile());
    }
  }

  private int run(List<Event> events, List<Impression> impressions) throws Exception {
    int rows = impressions.size();
    Path store = Files.createDirectories(work.resolve("models"));
    StageWatch watch = new StageWatch(stallTimeout, Duration.ofSeconds(10), System.err);
    List<JobClient> jobs = new ArrayList<>();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start()) {
      String bootstrap = broker.bootstrapServers();
      try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
        admin.createTopics(Topic.specs(PREFIX));
      }
      try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
          TopicCounter examples =
              new TopicCounter(bootstrap, Topic.LABELED_EXAMPLES.name(PREFIX), "read_committed");
          TopicCounter predictions =
              new TopicCounter(bootstrap, Topic.PREDICTIONS.name(PREFIX), "read_committed");
          TopicCounter metrics =
              new TopicCounter(bootstrap, Topic.METRICS.name(PREFIX), "read_uncommitted")) {
        jobs.add(startTraining(bootstrap, store.toString()));
        jobs.add(startScoring(bootstrap, store.toString()));
        watch.job("training", jobs.get(0), false).job("scoring", jobs.get(1), false);
        long t0 = System.nanoTime();
        try (KafkaEventPublisher publisher = new KafkaEventPublisher(bootstrap, PREFIX)) {
          RecordingPublisher.replay(events, publisher);
        }
        long published = System.nanoTime();
        // The join reads what was published and ends: the end of its input closes the attribution
        // windows of the last impressions, which no later event would close here.
        jobs.add(startJoin(bootstrap));
        long joinSubmitted = System.nanoTime();
        watch.job("join", jobs.get(2), true);
        for (Impression i : impressions) {
          send(
              producer, new ScoreRequest(i.id(), i.eventTime(), i.features(), i.numericFeatures()));
        }
        producer.flush();
        long[] trained = {0, 0}; // examples, model version
        StageWatch.Stage joined =
            new StageWatch.Stage("labeled examples (read_committed)", rows, examples::poll);
        StageWatch.Stage learned =
            new StageWatch.Stage(
                "examples trained",
                rows,
                () -> {
                  metrics.poll(
                      v -> {
                        var m = EventSerde.TRAINING_METRICS.deserialize(v);
                        trained[0] = Math.max(trained[0], m.examplesTrained());
                        trained[1] = Math.max(trained[1], m.modelVersion());
                      });
                  return trained[0];
                });
        StageWatch.Stage answered =
            new StageWatch.Stage("predictions (read_committed)", rows, predictions::poll);
        watch.await(List.of(joined, learned, answered), t0 + TimeUnit.MINUTES.toNanos(15));
        long end = Math.max(Math.max(joined.doneAt(), answered.doneAt()), learned.doneAt());
        long in = events.size() + rows;
        LatencyPhase phase =
            new LatencyPhase(bootstrap, PREFIX, rate, (int) duration.toSeconds(), hopBaseline);
        phase.run(producer, impressions, watch);
        System.out.printf("| measure | value |%n|---|---|%n");
        System.out.printf(
            "| input events (impressions + clicks + score requests) | %,d (%,d + %,d + %,d) |%n",
            in, rows, events.size() - rows, rows);
        System.out.printf(
            "| all labeled, trained and answered after | %.1f s (join %.1f s, training %.1f s, scoring %.1f s) |%n",
            sec(end - t0),
            sec(joined.doneAt() - t0),
            sec(learned.doneAt() - t0),
            sec(answered.doneAt() - t0));
        System.out.printf("| end-to-end events/s | %,.0f |%n", in / sec(end - t0));
        System.out.printf(
            "| of which: input published, join submitted after | %.1f s, %.1f s |%n",
            sec(published - t0), sec(joinSubmitted - t0));
        // The pipeline's own pace: everything after the join's submission, when the impressions
        // and clicks already wait in Kafka (the join's start-up still counts).
        System.out.printf(
            "| events/s from the join's submission | %,.0f |%n", in / sec(end - joinSubmitted));
        System.out.printf("| last model version | %d |%n", trained[1]);
        System.out.printf(
            "| scoring batches | up to %,d requests or %d ms |%n",
            scoringBatchSize, scoringBatchDelayMillis());
        phase.printRows();
      } finally {
        cancelRunning(jobs);
      }
    }
    return 0;
  }

  /** Cancels every job still running, each on its own, so one failing cancel leaves none behind. */
  private static void cancelRunning(List<JobClient> jobs) {
    for (JobClient job : jobs) {
      if (job.getJobExecutionResult().isDone()) {
        continue; // its local cluster has shut down with it
      }
      try {
        job.cancel().get(60, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("could not cancel job " + job.getJobID() + ": " + e);
      }
    }
  }

  private JobClient startJoin(String bootstrap) throws Exception {
    Configuration args = new Configuration();
    args.set(JobOptions.CHECKPOINT_INTERVAL, checkpointInterval);
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

  private JobClient startTraining(String bootstrap, String store) throws Exception {
    StreamExecutionEnvironment training = local(new Configuration());
    TrainingJob.onKafka(
            bootstrap,
            new Properties(),
            PREFIX,
            source(bootstrap, Topic.LABELED_EXAMPLES, false),
            TrainingSetup.of(
                FRAPPE,
                List.of(CtrModelConfig.frappe("finalmlp", FRAPPE.totalRows())),
                TrainerConfig.builder().build(),
                10_000,
                2_000,
                5,
                200,
                store))
        .build(training);
    return training.executeAsync("bench training");
  }

  private JobClient startScoring(String bootstrap, String store) throws Exception {
    StreamExecutionEnvironment scoring = local(new Configuration());
    ScoringJob.onKafka(bootstrap, new Properties(), PREFIX, scoringConfig(store)).build(scoring);
    return scoring.executeAsync("bench scoring");
  }

  /**
   * @throws IllegalArgumentException naming the batching option out of range
   */
  private ScoringConfig scoringConfig(String store) {
    return new ScoringConfig(
            List.of("finalmlp"), store, ScoringConfig.Strategy.ENTROPY, 20, 60, 0, 1)
        .withBatching(scoringBatchSize, scoringBatchDelayMillis());
  }

  private StreamExecutionEnvironment local(Configuration conf) {
    conf.set(RestOptions.BIND_PORT, "0");
    // Files, not the JobManager's heap (5 MB per state): the scoring job holds the requests that
    // come before the first model, a large backlog on a big --dataset.
    conf.set(
        CheckpointingOptions.CHECKPOINTS_DIRECTORY, work.resolve("checkpoints").toUri().toString());
    // A failure ends the job, and the watch reports it, instead of restarting it forever.
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.createLocalEnvironment(parallelism, conf);
    env.enableCheckpointing(checkpointInterval.toMillis());
    return env;
  }

  private static org.apache.flink.api.connector.source.Source<
          org.ctrflow.jobs.kafka.RawKafkaRecord, ?, ?>
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

  /** Sends a score request to the bench topics, keyed by its id. */
  static void send(KafkaProducer<byte[], byte[]> producer, ScoreRequest r) {
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

  private long scoringBatchDelayMillis() {
    return (scoringBatchDelay == null
            ? ScoringOptions.MAX_BATCH_DELAY.defaultValue()
            : scoringBatchDelay)
        .toMillis();
  }
}
