package org.ctrflow.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ctrflow.jobs.training.TrainingFixtures.example;
import static org.ctrflow.jobs.training.TrainingFixtures.setup;

import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.AbstractStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.models.snapshot.DeltaChunks;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.Servable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The trainer operator in Flink's operator harness: cadence, timers, state, rescaling. */
@Timeout(90)
class TrainerOperatorTest {

  private static final int MAX_PARALLELISM = 128;

  @TempDir Path store;
  private final Random random = new Random(11);

  private OneInputStreamOperatorTestHarness<EncodedExample, ModelUpdate> harness(
      TrainingSetup setup, int parallelism, int subtask) throws Exception {
    return new OneInputStreamOperatorTestHarness<>(
        new TrainerOperator(setup), MAX_PARALLELISM, parallelism, subtask);
  }

  @Test
  void publishesASnapshotThenDeltasEveryNExamples() throws Exception {
    TrainingSetup setup = setup(List.of("dnn"), 32, 64, 1_000_000, 1_000_000, store);
    try (var h = harness(setup, 1, 0)) {
      h.open();
      for (int i = 0; i < 200; i++) {
        h.processElement(new StreamRecord<>(example("dnn", random)));
      }
      List<ModelUpdate> updates = h.extractOutputValues();
      // Batches of 32 train at 32, 64, ...: versions after 64, 128 and 192 examples.
      assertThat(updates).extracting(ModelUpdate::version).containsExactly(1L, 2L, 3L);
      assertThat(updates)
          .extracting(ModelUpdate::kind)
          .containsExactly(
              ModelUpdate.Kind.SNAPSHOT, ModelUpdate.Kind.DELTA, ModelUpdate.Kind.DELTA);
      assertThat(updates.get(2).baseVersion()).isEqualTo(2);
      assertThat(new DirectoryModelStore(store).latest("dnn"))
          .hasValue(URI.create(updates.get(0).location()));
      assertThat(h.getSideOutput(TrainerOperator.METRICS)).isNull();
    }
  }

  @Test
  void ticksTrainPendingExamplesReportMetricsAndPublishOnTheInterval() throws Exception {
    TrainingSetup setup = setup(List.of("dnn"), 1024, 1_000_000, 250, 100, store);
    try (var h = harness(setup, 1, 0)) {
      h.open();
      h.setProcessingTime(0);
      for (int i = 0; i < 10; i++) {
        h.processElement(new StreamRecord<>(example("dnn", random)));
      }
      h.setProcessingTime(100);
      assertThat(metrics(h))
          .singleElement()
          .satisfies(
              m -> {
                assertThat(m.examplesTrained())
                    .isEqualTo(10); // the partial batch trained on the tick
                assertThat(m.modelVersion()).isZero(); // 100 ms < the 250 ms interval
                assertThat(m.overall().count()).isEqualTo(10);
                assertThat(m.examplesPerSecond()).isEqualTo(100.0);
              });
      assertThat(h.extractOutputValues()).isEmpty();

      h.setProcessingTime(200); // too early for the 250 ms interval
      h.setProcessingTime(300);
      assertThat(h.extractOutputValues()).extracting(ModelUpdate::version).containsExactly(1L);
      assertThat(metrics(h)).extracting(TrainingMetrics::modelVersion).containsExactly(0L, 0L, 1L);

      for (long t = 400; t <= 700; t += 100) { // nothing new: no new version, metrics still flow
        h.setProcessingTime(t);
      }
      assertThat(h.extractOutputValues()).hasSize(1);
      assertThat(metrics(h))
          .hasSize(7)
          .last()
          .satisfies(
              m -> {
                assertThat(m.modelVersion()).isEqualTo(1);
                assertThat(m.examplesPerSecond()).isZero();
              });
    }
  }

  /** Also for the memory models, whose memory and fast-learned controllers are trainer state. */
  @ParameterizedTest
  @ValueSource(strings = {"finalmlp", "memnet", "hybrid"})
  void restoresWeightsOptimizerAndProgressExactlyAndVersionsKeepIncreasing(String model)
      throws Exception {
    TrainingSetup setup = setup(List.of(model), 16, 40, 1_000_000, 1_000_000, store);
    OperatorSubtaskState checkpoint;
    List<ModelUpdate> before;
    try (var h = harness(setup, 1, 0)) {
      h.open();
      for (int i = 0; i < 50; i++) { // v1 at 48 examples; 2 pending at the checkpoint
        h.processElement(new StreamRecord<>(example(model, random)));
      }
      checkpoint = h.snapshot(1, 1);
      // After the checkpoint: publish (v2, a delta) and stop as if the job failed here.
      h.endInput();
      before = h.extractOutputValues();
      assertThat(metrics(h)).last().extracting(TrainingMetrics::examplesTrained).isEqualTo(50L);
    }
    assertThat(before).extracting(ModelUpdate::version).containsExactly(1L, 2L);

    try (var h = harness(setup, 1, 0)) {
      h.initializeState(checkpoint);
      h.open();
      h.endInput();
      List<ModelUpdate> after = h.extractOutputValues();
      // The checkpoint said v1; the delta v2 went out after it (its transaction aborted with the
      // failed attempt, and deltas are not stored), so the restored job publishes v2 again.
      assertThat(after)
          .singleElement()
          .satisfies(
              u -> {
                assertThat(u.version()).isEqualTo(2);
                assertThat(u.kind()).isEqualTo(ModelUpdate.Kind.DELTA);
                assertThat(u.baseVersion()).isEqualTo(1);
              });
      assertThat(metrics(h)).last().extracting(TrainingMetrics::examplesTrained).isEqualTo(50L);
      // Both v2 deltas carry the state at the checkpoint (the 2 pending examples were trained
      // before it was taken): identical weights and touched rows give identical scores.
      DirectoryModelStore models = new DirectoryModelStore(store);
      List<FeatureRow> rows = rows(20);
      try (Servable v1 = Servable.load(models.get(URI.create(before.get(0).location())));
          Servable failed = v1.applyDelta(DeltaChunks.assemble(List.of(before.get(1))));
          Servable restored = v1.applyDelta(DeltaChunks.assemble(List.of(after.get(0))))) {
        assertThat(restored.score(rows).probabilities())
            .containsExactly(failed.score(rows).probabilities());
      }
    }
  }

  /**
   * Version 1 is stored after the checkpoint, then the task fails: the restored task continues with
   * version 2, a full snapshot. Also when the checkpoint holds no state for the model (taken before
   * its first example reached this subtask): a fresh start there would publish version 1 again, the
   * store would refuse it, and every restart would fail the same way.
   */
  @ParameterizedTest(name = "model state in the checkpoint: {0}")
  @ValueSource(booleans = {true, false})
  void aSnapshotStoredAfterTheCheckpointIsNeverOverwritten(boolean modelInCheckpoint)
      throws Exception {
    TrainingSetup setup = setup(List.of("dnn"), 16, 32, 1_000_000, 1_000_000, store);
    OperatorSubtaskState checkpoint;
    try (var h = harness(setup, 1, 0)) {
      h.open();
      if (modelInCheckpoint) {
        h.processElement(new StreamRecord<>(example("dnn", random)));
      }
      checkpoint = h.snapshot(1, 1); // nothing published yet
      for (int i = 0; i < 40; i++) {
        h.processElement(new StreamRecord<>(example("dnn", random))); // v1 stored at 32
      }
      assertThat(h.extractOutputValues()).extracting(ModelUpdate::version).containsExactly(1L);
    }
    try (var h = harness(setup, 1, 0)) {
      h.initializeState(checkpoint);
      h.open();
      h.processElement(new StreamRecord<>(example("dnn", random)));
      h.endInput();
      assertThat(h.extractOutputValues())
          .singleElement()
          .satisfies(
              u -> {
                assertThat(u.version()).isEqualTo(2);
                assertThat(u.kind()).isEqualTo(ModelUpdate.Kind.SNAPSHOT);
              });
    }
  }

  @Test
  void modelsSpreadOverSubtasksAndRescalingHandsEachToExactlyOne() throws Exception {
    List<String> names = List.of("finalmlp", "dnn", "dualmlp");
    TrainingSetup setup = setup(names, 8, 1_000_000, 1_000_000, 1_000_000, store);
    ModelPartitioner partitioner = new ModelPartitioner(names);
    assertThat(names.stream().map(n -> partitioner.partition(n, 2))).containsExactly(0, 1, 0);
    OperatorSubtaskState checkpoint;
    try (var h = harness(setup, 1, 0)) {
      h.open();
      for (int i = 0; i < 30; i++) {
        for (String model : names) {
          h.processElement(new StreamRecord<>(example(model, random)));
        }
      }
      checkpoint = h.snapshot(1, 1);
    }
    List<List<String>> modelsBySubtask = new ArrayList<>();
    for (int subtask = 0; subtask < 2; subtask++) {
      OperatorSubtaskState part =
          AbstractStreamOperatorTestHarness.repartitionOperatorState(
              checkpoint, MAX_PARALLELISM, 1, 2, subtask);
      try (var h = harness(setup, 2, subtask)) {
        h.initializeState(part);
        h.open();
        h.endInput();
        List<TrainingMetrics> reports = metrics(h);
        assertThat(reports).allSatisfy(m -> assertThat(m.examplesTrained()).isEqualTo(30));
        modelsBySubtask.add(reports.stream().map(TrainingMetrics::modelName).toList());
      }
    }
    assertThat(modelsBySubtask).containsExactly(List.of("dualmlp", "finalmlp"), List.of("dnn"));
  }

  private static List<TrainingMetrics> metrics(
      OneInputStreamOperatorTestHarness<EncodedExample, ModelUpdate> h) {
    var queue = h.getSideOutput(TrainerOperator.METRICS);
    return queue == null ? List.of() : queue.stream().map(StreamRecord::getValue).toList();
  }

  private List<FeatureRow> rows(int n) {
    List<FeatureRow> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      rows.add(new FeatureRow(TrainingFixtures.features(random), Map.of()));
    }
    return rows;
  }
}
