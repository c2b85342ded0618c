package org.ctrflow.jobs.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.ctrflow.jobs.scoring.ScoringOperatorTest.broadcast;
import static org.ctrflow.jobs.scoring.ScoringOperatorTest.harness;
import static org.ctrflow.jobs.scoring.ScoringOperatorTest.request;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.flink.runtime.checkpoint.OperatorSubtaskState;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.jobs.scoring.ScoringOperatorTest.Harness;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The scoring operator's batching in Flink's operator harness: a batch is scored when it is full,
 * when its processing-time delay has passed, before a checkpoint barrier, before a model update and
 * at the end of the requests; nothing buffered is lost or scored twice, each prediction carries the
 * version current when its request arrived, and label selection still runs per request.
 */
@Timeout(120)
class ScoringBatchesTest {

  private static final long DELAY = 10;

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

  private ScoringConfig config(int batchSize, long maxDelayMillis, double labelsPerMinute) {
    return new ScoringConfig(
        List.of("finalmlp"),
        dir.toString(),
        ScoringConfig.Strategy.ENTROPY,
        20,
        labelsPerMinute,
        0,
        7,
        batchSize,
        maxDelayMillis);
  }

  private static List<String> ids(List<Prediction> predictions) {
    return predictions.stream().map(Prediction::requestId).toList();
  }

  private static void send(Harness h, int from, int to) throws Exception {
    for (int i = from; i < to; i++) {
      h.processElement(request(i), 100 + i);
    }
  }

  @Test
  void aFullBatchIsScoredAtOnceWithTheScoresOfSingleRequests() throws Exception {
    ModelUpdate v1 = models.snapshot(1);
    List<Prediction> single = new ArrayList<>();
    try (Harness h = harness(config(1, DELAY, 1))) {
      h.open();
      h.processBroadcastElement(v1, 0);
      send(h, 0, 8);
      single.addAll(h.extractOutputValues());
    }
    try (Harness h = harness(config(4, 60_000, 1))) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(v1, 0);
      send(h, 0, 3);
      assertThat(h.extractOutputValues()).isEmpty();
      send(h, 3, 4);
      assertThat(ids(h.extractOutputValues())).containsExactly("r-0", "r-1", "r-2", "r-3");
      send(h, 4, 8);
      List<Prediction> batched = h.extractOutputValues();
      assertThat(ids(batched)).isEqualTo(ids(single));
      for (int i = 0; i < batched.size(); i++) {
        assertThat(batched.get(i).score()).isCloseTo(single.get(i).score(), within(1e-6));
        assertThat(batched.get(i).uncertainty())
            .isCloseTo(single.get(i).uncertainty(), within(1e-5));
      }
      // each prediction keeps its request's record timestamp
      assertThat(h.extractOutputStreamRecords())
          .extracting(r -> r.getTimestamp())
          .containsExactly(100L, 101L, 102L, 103L, 104L, 105L, 106L, 107L);
    }
  }

  @Test
  void aBatchThatDoesNotFillIsScoredWhenItsDelayHasPassed() throws Exception {
    try (Harness h = harness(config(100, DELAY, 1))) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      send(h, 0, 2);
      h.setProcessingTime(DELAY - 1);
      assertThat(h.extractOutputValues()).isEmpty();
      h.setProcessingTime(DELAY);
      assertThat(ids(h.extractOutputValues())).containsExactly("r-0", "r-1");

      // the next batch's delay counts from its own first request
      h.setProcessingTime(15);
      send(h, 2, 3);
      h.setProcessingTime(15 + DELAY - 1);
      assertThat(h.extractOutputValues()).hasSize(2);
      h.setProcessingTime(15 + DELAY);
      assertThat(ids(h.extractOutputValues())).containsExactly("r-0", "r-1", "r-2");
      assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
    }
  }

  @Test
  void aFullBatchCancelsItsTimerSoTheNextBatchWaitsItsWholeDelay() throws Exception {
    try (Harness h = harness(config(2, DELAY, 1))) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      send(h, 0, 2); // full at t = 0
      h.setProcessingTime(5);
      send(h, 2, 3); // its batch is due at 15, not at the first batch's 10
      h.setProcessingTime(DELAY);
      assertThat(h.extractOutputValues()).hasSize(2);
      h.setProcessingTime(5 + DELAY);
      assertThat(h.extractOutputValues()).hasSize(3);
    }
  }

  @Test
  void theBufferIsScoredBeforeACheckpointBarrierSoARestoreNeitherLosesNorRepeatsIt()
      throws Exception {
    OperatorSubtaskState checkpoint;
    try (Harness h = harness(config(100, 60_000, 1))) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      send(h, 0, 3);
      assertThat(h.extractOutputValues()).isEmpty();
      h.prepareSnapshotPreBarrier(1);
      // emitted before the barrier: part of checkpoint 1's output
      assertThat(ids(h.extractOutputValues())).containsExactly("r-0", "r-1", "r-2");
      checkpoint = h.snapshot(1, 1);
    }
    try (Harness h = harness(config(100, 60_000, 1))) {
      h.setProcessingTime(0);
      h.initializeState(checkpoint);
      h.open();
      h.setProcessingTime(120_000);
      h.prepareSnapshotPreBarrier(2);
      assertThat(h.extractOutputValues()).isEmpty();
      send(h, 3, 4);
      h.prepareSnapshotPreBarrier(3);
      assertThat(h.extractOutputValues()).hasSize(1);
      Prediction restored = h.extractOutputValues().get(0);
      assertThat(restored.requestId()).isEqualTo("r-3");
      assertThat(restored.modelVersion()).isEqualTo(1);
    }
  }

  @Test
  void theEndOfTheRequestsFlushesTheBuffer() throws Exception {
    try (Harness h = harness(config(100, 60_000, 1))) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      send(h, 0, 5);
      assertThat(h.extractOutputValues()).isEmpty();
      h.endInput1();
      assertThat(ids(h.extractOutputValues())).containsExactly("r-0", "r-1", "r-2", "r-3", "r-4");
      assertThat(h.getProcessingTimeService().getNumActiveTimers()).isZero();
    }
  }

  @Test
  void eachPredictionCarriesTheVersionCurrentWhenItsRequestArrived() throws Exception {
    try (Harness h = harness(config(100, 60_000, 1))) {
      h.setProcessingTime(0);
      h.open();
      send(h, 0, 2); // before any model: held
      h.processBroadcastElement(models.snapshot(1), 0); // held ones now buffered for v1
      send(h, 2, 4);
      broadcast(h, models.delta(1, 2)); // flushes r-0..r-3 with v1 first
      send(h, 4, 6);
      h.endInput1();
      List<Prediction> out = h.extractOutputValues();
      assertThat(ids(out)).containsExactly("r-0", "r-1", "r-2", "r-3", "r-4", "r-5");
      assertThat(out).extracting(Prediction::modelVersion).containsExactly(1L, 1L, 1L, 1L, 2L, 2L);
      assertThat(out).extracting(Prediction::modelName).containsOnly("finalmlp");
    }
  }

  @Test
  void labelSelectionAndTheDiversityGuardStillDecidePerRequestInsideABatch() throws Exception {
    // every request selected (budget far above the traffic), from batches of 8
    try (Harness h = harness(config(8, 60_000, 1e9))) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(models.snapshot(1), 0);
      send(h, 0, 20);
      h.endInput1();
      List<Prediction> predictions = h.extractOutputValues();
      List<LabelRequest> routed = h.labelRequests();
      assertThat(routed).hasSize(20);
      for (int i = 0; i < 20; i++) {
        assertThat(routed.get(i).sampleId()).isEqualTo("r-" + i);
        assertThat(routed.get(i).score()).isEqualTo(predictions.get(i).score());
        assertThat(routed.get(i).uncertainty()).isEqualTo(predictions.get(i).uncertainty());
        assertThat(routed.get(i).modelVersion()).isEqualTo(1);
        assertThat(routed.get(i).queryProbability()).isEqualTo(1.0);
      }
    }
    // the guard sees the requests of one batch one after another: repeats inside it are refused
    ScoringConfig guarded =
        new ScoringConfig(
            List.of("finalmlp"),
            dir.toString(),
            ScoringConfig.Strategy.ENTROPY,
            20,
            1e9,
            600_000,
            7,
            20,
            60_000);
    try (Harness h = harness(guarded)) {
      h.setProcessingTime(0);
      h.open();
      h.processBroadcastElement(models.snapshot(2), 0);
      for (int i = 0; i < 20; i++) {
        h.processElement(new ScoreRequest("d-" + i, i, Map.of("user", "" + (i % 4)), Map.of()), i);
      }
      assertThat(h.extractOutputValues()).hasSize(20);
      assertThat(h.labelRequests())
          .extracting(LabelRequest::sampleId)
          .containsExactly("d-0", "d-1", "d-2", "d-3");
    }
  }
}
