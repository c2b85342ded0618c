package org.ctrflow.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.PipelineOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Servable;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The training job end to end at parallelism 2 against a real broker: Frappe's test file as labeled
 * examples -> three models (FinalMLP and DNN in their Frappe configs, FTRL) trained test-then-train
 * -> snapshots and deltas with increasing versions that a {@link Servable} follows, per-model
 * metrics, and the malformed records dead-lettered.
 */
@ExtendWith(KafkaBrokerExtension.class)
class TrainingJobMiniClusterTest {

  @RegisterExtension static final MiniClusterExtension FLINK = TrainingJobHarness.miniCluster();

  @TempDir Path store;

  @Test
  @Timeout(150)
  void frappeExamplesBecomeVersionsAServableFollows(KafkaTestCluster kafka) throws Exception {
    Path frappe = SharedData.dataset("frappe/nfm_split/frappe.test.libfm");
    String prefix = kafka.newTopicPrefix();
    try (TopicAdmin admin = TopicAdmin.connect(kafka.bootstrapServers())) {
      admin.createTopics(Topic.specs(prefix));
    }
    TrainingJobHarness io = new TrainingJobHarness(kafka.bootstrapServers(), prefix);
    byte[] valid =
        EventSerde.LABELED_EXAMPLE.serialize(
            new LabeledExample("z", 1, Map.of("user", "1"), null, 1, 1.0, LabelSource.REPLAY));
    List<byte[]> malformed =
        List.of(
            "{\"id\":\"x\"}".getBytes(StandardCharsets.UTF_8),
            new String(valid, StandardCharsets.UTF_8)
                .replace("\"label\":1", "\"label\":2")
                .getBytes(StandardCharsets.UTF_8));
    int examples = io.produceFrappe(frappe, malformed);
    assertThat(examples).isEqualTo(28_860);

    // The paper's FinalMLP and DNN, and the FTRL baseline, whose deltas carry the touched rows of
    // its linear and cross tables.
    List<String> models = List.of("finalmlp", "dnn", "ftrl");
    TrainingSetup setup =
        TrainingSetup.of(
            TrainingFixtures.FRAPPE,
            models.stream()
                .map(m -> CtrModelConfig.frappe(m, TrainingFixtures.FRAPPE.totalRows()))
                .toList(),
            TrainerConfig.builder().batchSize(1024).build(),
            5_000,
            60_000,
            3,
            200,
            store.toString());

    Configuration conf = new Configuration();
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    conf.set(PipelineOptions.GENERIC_TYPES, false);
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(conf);
    env.setParallelism(2);
    env.enableCheckpointing(1_000);
    io.job(setup).build(env);
    long start = System.nanoTime();
    env.execute("training job at parallelism 2");
    double seconds = (System.nanoTime() - start) / 1e9;

    List<ModelUpdate> updates = io.committedUpdates();
    DirectoryModelStore modelStore = new DirectoryModelStore(store);
    List<FeatureRow> rows = firstRows(frappe, 200);
    Map<String, TrainingMetrics> metrics = io.lastMetrics();
    for (String model : models) {
      List<ModelUpdate> mine = updates.stream().filter(u -> u.modelName().equals(model)).toList();
      // 28,860 examples, a version per 5,000 (at the next 1,024-batch), one at the end: 6 + 1.
      assertThat(mine.stream().map(ModelUpdate::version).distinct())
          .as(model)
          .containsExactly(1L, 2L, 3L, 4L, 5L, 6L);
      assertThat(mine.get(0).kind()).isEqualTo(ModelUpdate.Kind.SNAPSHOT);
      try (Servable last = TrainingJobHarness.follow(updates, model, modelStore)) {
        assertThat(last.info().version()).isEqualTo(6);
        assertThat(java.util.Arrays.stream(last.score(rows).probabilities()).boxed())
            .allSatisfy(p -> assertThat(p).isBetween(0.0, 1.0));
      }
      TrainingMetrics m = metrics.get(model);
      assertThat(m.examplesTrained()).as(model).isEqualTo(examples);
      assertThat(m.overall().count()).isEqualTo(examples);
      assertThat(m.modelVersion()).isEqualTo(6);
      // Prequential AUC of one pass over 28,860 rows from scratch; a broken trainer stays at 0.5.
      // A learning check, not a quality target (random is 0.5): one pass over 28,860 rows from
      // scratch gave 0.78-0.85 for dnn across runs since the dropout and optimizer speed-ups.
      assertThat(m.overall().auc()).as(model).isGreaterThan(0.75);
      System.out.printf(
          "%s: %d examples, prequential AUC %.4f, logloss %.4f, window AUC %.4f%n",
          model, m.examplesTrained(), m.overall().auc(), m.overall().logLoss(), m.window().auc());
    }
    System.out.printf(
        "job wall time %.1f s for %d examples x %d models%n", seconds, examples, models.size());
    assertThat(
            io.readAll(Topic.DEAD_LETTER, "read_committed").stream()
                .map(EventSerde.DEAD_LETTER::deserialize)
                .map(d -> d.errorMessage().split(":")[0]))
        .containsExactlyInAnyOrder("eventTime", "label");
  }

  static List<FeatureRow> firstRows(Path libFm, int n) throws Exception {
    List<FeatureRow> rows = new ArrayList<>();
    try (LibFmReader reader = new LibFmReader(libFm, LibFmReader.FRAPPE_FIELDS)) {
      while (reader.hasNext() && rows.size() < n) {
        DatasetRow row = reader.next();
        rows.add(new FeatureRow(row.categorical(), row.numeric()));
      }
    }
    return rows;
  }
}
