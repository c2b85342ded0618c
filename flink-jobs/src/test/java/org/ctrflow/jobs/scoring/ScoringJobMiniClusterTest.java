package org.ctrflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.snapshot.DeltaChunks;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelDelta;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.ModelSnapshot;
import org.ctrflow.models.snapshot.SnapshotAnnouncements;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring job on a MiniCluster at parallelism 2 against the in-JVM broker. A FinalMLP trained
 * briefly on Frappe publishes a snapshot and then deltas, the way the training job does; Frappe's
 * test rows arrive as score requests (the first ones before any model exists). Every request comes
 * back once as a prediction, stamped with versions that increase as updates arrive, and label
 * requests appear under the budget.
 */
@ExtendWith(KafkaBrokerExtension.class)
class ScoringJobMiniClusterTest {

  private static final FeatureSchema FRAPPE = FeatureSchemas.frappe();
  private static final int BATCH = 256;
  private static final int WAVE = 200;

  @RegisterExtension
  static final MiniClusterExtension FLINK =
      new MiniClusterExtension(
          new MiniClusterResourceConfiguration.Builder()
              .setNumberTaskManagers(1)
              .setNumberSlotsPerTaskManager(2)
              .build());

  @TempDir Path store;

  @Test
  @Timeout(300)
  void scoresRequestsWithIncreasingModelVersionsAndRoutesLabelRequests(KafkaTestCluster kafka)
      throws Exception {
    List<DatasetRow> train = rows("frappe/nfm_split/frappe.train.reconstructed.libfm", 6 * BATCH);
    List<DatasetRow> test = rows("frappe/nfm_split/frappe.test.libfm", 10 * WAVE);
    String prefix = kafka.newTopicPrefix();
    String bootstrap = kafka.bootstrapServers();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }
    DirectoryModelStore models = new DirectoryModelStore(store);

    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(300);
    ScoringJob.onKafka(
            bootstrap,
            prefix,
            new ScoringConfig(
                List.of("finalmlp"),
                store.toString(),
                ScoringConfig.Strategy.ENTROPY,
                20,
                600, // requests are 10 ms apart in event time: 6,000/min, so about 1 in 10
                0,
                1))
        .build(env);
    JobClient job = env.executeAsync("scoring at parallelism 2");

    try (KafkaProducer<byte[], byte[]> producer = producer(bootstrap);
        Reader<Prediction> predictions =
            new Reader<>(bootstrap, Topic.PREDICTIONS.name(prefix), EventSerde.PREDICTION);
        OnlineTrainer trainer =
            new OnlineTrainer(
                CtrModelConfig.frappe("finalmlp", FRAPPE.totalRows()),
                TrainerConfig.builder().batchSize(BATCH).seed(3).build())) {
      String requests = Topic.SCORE_REQUESTS.name(prefix);
      String updates = Topic.MODEL_UPDATES.name(prefix);
      // wave 0 arrives before any model and is held
      send(producer, requests, test, 0, WAVE);
      train(trainer, train, 0, 2);
      ModelInfo v1 = new ModelInfo("finalmlp", 1, System.currentTimeMillis());
      send(
          producer,
          updates,
          SnapshotAnnouncements.publish(
              models, v1, ModelSnapshot.write(v1, FRAPPE, trainer.block()), v1.createdAtMillis()));
      trainer.clearTouched();
      send(producer, requests, test, WAVE, 2 * WAVE);
      List<Prediction> beforeDelta = predictions.awaitCount(2 * WAVE);
      assertThat(beforeDelta).extracting(Prediction::modelVersion).containsOnly(1L);

      int sent = 2 * WAVE;
      for (long version = 2; version <= 3; version++) {
        train(trainer, train, (int) (version - 1) * 2, 2);
        ModelInfo info = new ModelInfo("finalmlp", version, System.currentTimeMillis());
        ModelDelta delta =
            ModelDelta.capture(info, version - 1, trainer.block(), trainer.touchedRowsSinceClear());
        trainer.clearTouched();
        for (ModelUpdate chunk : DeltaChunks.split(delta, info.createdAtMillis())) {
          send(producer, updates, chunk);
        }
        // requests in small batches until one is scored by the new version
        long wanted = version;
        while (predictions.all().stream().noneMatch(p -> p.modelVersion() == wanted)) {
          assertThat(sent).as("requests left to send").isLessThan(test.size());
          send(producer, requests, test, sent, sent + 20);
          sent += 20;
          predictions.awaitCount(sent);
        }
      }
      send(producer, requests, test, sent, sent + WAVE);
      sent += WAVE;
      List<Prediction> all = predictions.awaitCount(sent);
      Thread.sleep(1_000); // a duplicate would show up now
      all = predictions.all();

      assertThat(all).hasSize(sent);
      assertThat(all.stream().map(Prediction::requestId).collect(Collectors.toSet())).hasSize(sent);
      assertThat(all).extracting(Prediction::modelName).containsOnly("finalmlp");
      assertThat(all).extracting(Prediction::modelVersion).containsOnly(1L, 2L, 3L);
      // the last wave went out after version 3 was serving
      assertThat(all.subList(sent - WAVE / 2, sent))
          .extracting(Prediction::modelVersion)
          .contains(3L);

      try (Reader<LabelRequest> labels =
          new Reader<>(bootstrap, Topic.LABEL_REQUESTS.name(prefix), EventSerde.LABEL_REQUEST)) {
        List<LabelRequest> routed = labels.awaitMatching(l -> l.size() >= 10);
        Set<String> ids = all.stream().map(Prediction::requestId).collect(Collectors.toSet());
        assertThat(routed.size()).isLessThan(sent / 2);
        assertThat(routed)
            .allSatisfy(
                r -> {
                  assertThat(ids).contains(r.sampleId());
                  assertThat(r.queryProbability()).isGreaterThan(0).isLessThanOrEqualTo(1);
                  assertThat(r.strategy()).isEqualTo("entropy");
                  assertThat(r.modelVersion()).isBetween(1L, 3L);
                });
        System.out.printf(
            "%d predictions, %d label requests, versions %s%n",
            all.size(),
            routed.size(),
            all.stream().map(Prediction::modelVersion).distinct().toList());
      }
    } finally {
      job.cancel().get();
    }
  }

  private static List<DatasetRow> rows(String file, int n) throws Exception {
    try (LibFmReader reader =
        new LibFmReader(SharedData.dataset(file), LibFmReader.FRAPPE_FIELDS)) {
      return reader.stream().limit(n).toList();
    }
  }

  private static void train(OnlineTrainer trainer, List<DatasetRow> rows, int firstBatch, int n) {
    for (int b = firstBatch; b < firstBatch + n; b++) {
      List<DatasetRow> batch = rows.subList(b * BATCH, (b + 1) * BATCH);
      long[] encoded = new long[BATCH * FRAPPE.fieldCount()];
      FRAPPE.encoder().encodeBatch(batch, DatasetRow::categorical, DatasetRow::numeric, encoded);
      float[] labels = new float[BATCH];
      for (int i = 0; i < BATCH; i++) {
        labels[i] = batch.get(i).label();
      }
      trainer.train(encoded, BATCH, labels, null);
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(String bootstrap) {
    Properties props = new Properties();
    props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
    return new KafkaProducer<>(props);
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer, String topic, List<DatasetRow> rows, int from, int to)
      throws Exception {
    for (int i = from; i < to; i++) {
      DatasetRow row = rows.get(i);
      send(
          producer, topic, new ScoreRequest("req-" + i, 10L * i, row.categorical(), row.numeric()));
    }
  }

  private static void send(KafkaProducer<byte[], byte[]> producer, String topic, Event event)
      throws Exception {
    byte[] value =
        event instanceof ModelUpdate u
            ? EventSerde.MODEL_UPDATE.serialize(u)
            : EventSerde.SCORE_REQUEST.serialize((ScoreRequest) event);
    producer
        .send(new ProducerRecord<>(topic, event.key().getBytes(StandardCharsets.UTF_8), value))
        .get();
  }

  /** A read_committed consumer that accumulates a topic's events as they are committed. */
  private static final class Reader<T extends Event> implements AutoCloseable {
    private final KafkaConsumer<byte[], byte[]> consumer;
    private final EventSerde<T> serde;
    private final List<T> events = new ArrayList<>();

    Reader(String bootstrap, String topic, EventSerde<T> serde) {
      Properties props = new Properties();
      props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
      props.put(ConsumerConfig.GROUP_ID_CONFIG, "verify-" + topic);
      props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
      props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
      consumer =
          new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
      consumer.subscribe(List.of(topic));
      this.serde = serde;
    }

    List<T> all() {
      poll(Duration.ofMillis(200));
      return List.copyOf(events);
    }

    List<T> awaitCount(int n) {
      return awaitMatching(l -> l.size() >= n);
    }

    List<T> awaitMatching(Predicate<List<T>> done) {
      long deadline = System.nanoTime() + Duration.ofSeconds(90).toNanos();
      while (!done.test(events) && System.nanoTime() < deadline) {
        poll(Duration.ofMillis(200));
      }
      assertThat(done.test(events)).as("events on time, have %d", events.size()).isTrue();
      return List.copyOf(events);
    }

    private void poll(Duration timeout) {
      for (var record : consumer.poll(timeout)) {
        events.add(serde.deserialize(record.value()));
      }
    }

    @Override
    public void close() {
      consumer.close();
    }
  }
}
