package org.ctrflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.TwoInputStreamOperatorTestHarness;
import org.ctrflow.activelearning.strategies.MutualInformation;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring operator in Flink's two-input operator harness (input 1 requests, input 2 the
 * broadcast model updates), with a real model store. These tests score one request per batch, so
 * each output follows its input at once; {@link ScoringBatchesTest} covers the batching.
 */
@Timeout(120)
class ScoringOperatorTest {

  @TempDir Path dir;
  private ScoringModels models;

  @BeforeEach
  void models() {
    models = new ScoringModels(new DirectoryModelStore(dir));
  }

  @AfterEach
  void close() {
    models.close();
  }

  private ScoringConfig config(double labelsPerMinute, long diversityWindowMillis) {
    return new ScoringConfig(
        List.of("finalmlp"),
        dir.toString(),
        ScoringConfig.Strategy.ENTROPY,
        20,
        labelsPerMinute,
        diversityWindowMillis,
        7,
        1,
        1);
  }

  static Harness harness(ScoringConfig config) throws Exception {
    return new Harness(new ScoringOperator(config));
  }

  /** The operator in its harness; model updates go to input 2, as the broadcast does. */
  static final class Harness
      extends TwoInputStreamOperatorTestHarness<ScoreRequest, ModelUpdate, Prediction> {
    final ScoringOperator operator;

    Harness(ScoringOperator operator) throws Exception {
      super(operator, 1, 1, 0);
      this.operator = operator;
    }

    void processElement(ScoreRequest request, long timestamp) throws Exception {
      processElement1(request, timestamp);
    }

    void processBroadcastElement(ModelUpdate update, long timestamp) throws Exception {
      processElement2(update, timestamp);
    }

    List<LabelRequest> labelRequests() {
      var side = getSideOutput(ScoringOperator.LABEL_REQUESTS);
      return side == null ? List.of() : side.stream().map(StreamRecord::getValue).toList();
    }
  }

  static ScoreRequest request(int i) {
    return new ScoreRequest(
        "r-" + i, 1_000L * i, Map.of("user", "" + (i % 7), "item", "" + i), Map.of());
  }

  static void broadcast(Harness h, List<ModelUpdate> updates) throws Exception {
    for (ModelUpdate u : updates) {
      h.processBroadcastElement(u, 0);
    }
  }

  private static List<Long> versions(List<Prediction> predictions) {
    return predictions.stream().map(Prediction::modelVersion).toList();
  }

  @Test
  void requestsBeforeTheFirstModelAreHeldThenScoredAndEveryPredictionIsStamped() throws Exception {
    try (var h = harness(config(1, 0))) {
      h.open();
      for (int i = 0; i < 3; i++) {
        h.processElement(request(i), i);
      }
      assertThat(h.extractOutputValues()).isEmpty();

      h.processBroadcastElement(models.snapshot(1), 0);
      List<Prediction> first = new ArrayList<>(h.extractOutputValues());
      assertThat(first).extracting(Prediction::requestId).containsExactly("r-0", "r-1", "r-2");
      assertThat(first).allSatisfy(p -> assertThat(p.modelName()).isEqualTo("finalmlp"));
      assertThat(versions(first)).containsOnly(1L);

      broadcast(h, models.delta(1, 2));
      h.processElement(request(0), 10);
      Prediction afterDelta = h.extractOutputValues().get(3);
      assertThat(afterDelta.modelVersion()).isEqualTo(2);
      assertThat(afterDelta.score()).isNotEqualTo(first.get(0).score());
      assertThat(afterDelta.modelScores()).containsEntry("finalmlp", afterDelta.score());
      assertThat(afterDelta.uncertainty()).isBetween(0.0, 1.0);
    }
  }

  @Test
  void aCorruptUpdateIsRejectedAndScoringContinuesOnTheLastGoodModel() throws Exception {
    try (var h = harness(config(1, 0))) {
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      ModelUpdate good = models.delta(1, 2).get(0);
      byte[] payload = good.payload();
      payload[payload.length / 2] ^= 0x5a;
      ModelUpdate corrupt = good.toBuilder().optPayload(payload).build();
      h.processBroadcastElement(corrupt, 0);
      // and a delta whose base (v3) this operator never had
      broadcast(h, models.delta(3, 4));
      h.processElement(request(1), 1);

      assertThat(versions(h.extractOutputValues())).containsExactly(1L);

      // the next snapshot brings it forward again
      h.processBroadcastElement(models.snapshot(5), 0);
      h.processElement(request(2), 2);
      assertThat(versions(h.extractOutputValues())).containsExactly(1L, 5L);
    }
  }

  @Test
  void selectedSamplesAreRoutedAsLabelRequestsWithTheirQueryProbability() throws Exception {
    // A budget far above the traffic: every sample is selected with p = 1 ...
    try (var h = harness(config(1e9, 0))) {
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      for (int i = 0; i < 20; i++) {
        h.processElement(request(i), i);
      }
      List<LabelRequest> routed = labelRequests(h);
      assertThat(routed).hasSize(20);
      List<Prediction> predictions = h.extractOutputValues();
      for (int i = 0; i < 20; i++) {
        LabelRequest r = routed.get(i);
        assertThat(r.sampleId()).isEqualTo("r-" + i);
        assertThat(r.queryProbability()).isEqualTo(1.0);
        assertThat(r.strategy()).isEqualTo("entropy");
        assertThat(r.modelVersion()).isEqualTo(1);
        assertThat(r.score()).isEqualTo(predictions.get(i).score());
        assertThat(r.uncertainty()).isEqualTo(predictions.get(i).uncertainty());
      }
    }
    // ... the diversity guard lets one of each repeated feature set through ...
    try (var h = harness(config(1e9, 600_000))) {
      h.open();
      h.processBroadcastElement(models.snapshot(2), 0);
      for (int i = 0; i < 20; i++) {
        h.processElement(new ScoreRequest("d-" + i, i, Map.of("user", "" + (i % 4)), Map.of()), i);
      }
      assertThat(h.extractOutputValues()).hasSize(20);
      assertThat(labelRequests(h))
          .extracting(LabelRequest::sampleId)
          .containsExactly("d-0", "d-1", "d-2", "d-3");
    }
    // ... and a tight budget (1 label per minute; 1 request per second) selects few, p < 1.
    try (var h = harness(config(1, 0))) {
      h.open();
      h.processBroadcastElement(models.snapshot(3), 0);
      for (int i = 0; i < 600; i++) {
        h.processElement(request(i), i);
      }
      List<LabelRequest> routed = labelRequests(h);
      assertThat(routed.size()).isBetween(3, 30);
      // the first request finds no traffic history and is labeled for sure; later ones by chance
      assertThat(routed.get(0).sampleId()).isEqualTo("r-0");
      assertThat(routed.subList(1, routed.size()))
          .allSatisfy(r -> assertThat(r.queryProbability()).isLessThan(1.0));
    }
  }

  @Test
  void modelsHeldRequestsAndSelectorSurviveASnapshotAndRestore() throws Exception {
    OperatorSubtaskState beforeAnyModel;
    try (var h = harness(config(1, 0))) {
      h.open();
      h.processElement(request(1), 1);
      beforeAnyModel = h.snapshot(1, 1);
    }
    OperatorSubtaskState withModel;
    Prediction expected;
    ModelUpdate snapshot = models.snapshot(1);
    List<ModelUpdate> delta = models.delta(1, 2);
    try (var h = harness(config(1, 0))) {
      h.initializeState(beforeAnyModel);
      h.open();
      h.processBroadcastElement(snapshot, 0);
      // the request held before the checkpoint is scored when the first model arrives
      assertThat(h.extractOutputValues()).extracting(Prediction::requestId).containsExactly("r-1");
      broadcast(h, delta);
      withModel = h.snapshot(2, 2);
      h.processElement(request(5), 5);
      expected = h.extractOutputValues().get(1);
    }
    try (var h = harness(config(1, 0))) {
      h.initializeState(withModel);
      h.open();
      h.processElement(request(5), 5);
      Prediction restored = h.extractOutputValues().get(0);
      assertThat(restored.modelVersion()).isEqualTo(2);
      assertThat(restored).isEqualTo(expected);
      // the restored log is the snapshot announcement and the delta's chunks
      assertThat(
              h.operator
                  .getOperatorStateBackend()
                  .getBroadcastState(ScoringOperator.MODEL_LOG)
                  .entries())
          .hasSize(1 + delta.size());
    }
  }

  @Test
  void committeeAndBaldStrategiesMeasureDisagreement() throws Exception {
    ScoringConfig committee =
        new ScoringConfig(
            List.of("finalmlp", "memnet"),
            dir.toString(),
            ScoringConfig.Strategy.COMMITTEE,
            20,
            1,
            0,
            7,
            1,
            1);
    try (var other = new ScoringModels(new DirectoryModelStore(dir), "memnet");
        var h = harness(committee)) {
      h.open();
      other.delta(1, 2); // different weights than the primary's
      h.processBroadcastElement(models.snapshot(1), 0);
      h.processBroadcastElement(other.snapshot(1), 0);
      h.processElement(request(3), 3);
      Prediction p = h.extractOutputValues().get(0);
      assertThat(p.modelScores()).containsOnlyKeys("finalmlp", "memnet");
      assertThat(p.uncertainty())
          .isEqualTo(
              MutualInformation.of(
                  new double[] {p.modelScores().get("finalmlp"), p.modelScores().get("memnet")}))
          .isGreaterThan(0);
    }
    ScoringConfig bald =
        new ScoringConfig(
            List.of("finalmlp"), dir.toString(), ScoringConfig.Strategy.BALD, 20, 1e9, 0, 7, 1, 1);
    try (var h = harness(bald)) {
      h.open();
      models.delta(1, 2); // larger weights: scores away from 0.5
      h.processBroadcastElement(models.snapshot(3), 0);
      h.processElement(request(4), 4);
      assertThat(h.extractOutputValues().get(0).uncertainty()).isGreaterThan(0);
      assertThat(labelRequests(h)).extracting(LabelRequest::strategy).containsExactly("bald");
    }
  }

  private static List<LabelRequest> labelRequests(Harness h) {
    return h.labelRequests();
  }
}
