package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ctrflow.models.snapshot.SnapshotFixtures.FRAPPE;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.snapshot.SnapshotFormatException.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServableTest {

  private static final ModelInfo V1 = new ModelInfo("finalmlp", 1, 1_000L);

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void scoresFrappeRowsLikeTheBlockOnEncodedRows(@TempDir Path dir) throws Exception {
    List<DatasetRow> rows;
    try (LibFmReader reader =
        new LibFmReader(
            SharedData.dataset("frappe/nfm_split/frappe.test.libfm"), LibFmReader.FRAPPE_FIELDS)) {
      rows = reader.stream().limit(200).toList();
    }
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock block =
          SnapshotFixtures.trained(CtrModelConfig.frappe("finalmlp", FRAPPE.totalRows()), scope);
      long[] encoded = new long[rows.size() * FRAPPE.fieldCount()];
      FRAPPE.encoder().encodeBatch(rows, DatasetRow::categorical, DatasetRow::numeric, encoded);
      float[] expected =
          block.predict(scope.create(encoded, new Shape(rows.size(), 10))).toFloatArray();
      DirectoryModelStore store = new DirectoryModelStore(dir);
      store.put("finalmlp", 1, ModelSnapshot.write(V1, FRAPPE, block));

      try (Servable servable = Servable.load(Path.of(store.latest("finalmlp").orElseThrow()))) {
        Scores scores = servable.score(rows, DatasetRow::categorical, DatasetRow::numeric);

        assertThat(scores.model()).isEqualTo(V1);
        assertThat(scores.size()).isEqualTo(rows.size());
        for (int i = 0; i < expected.length; i++) {
          assertThat(scores.probability(i)).isEqualTo(expected[i]);
        }
      }
    }
  }

  @Test
  void applyingADeltaGivesANewServableAndLeavesTheOldOneServing() throws Exception {
    List<FeatureRow> rows =
        List.of(
            new FeatureRow(Map.of("user", "3", "item", "1000", "daytime", "5040"), Map.of()),
            new FeatureRow(Map.of("user", "12", "item", "2000"), Map.of()),
            new FeatureRow(Map.of(), Map.of()));
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock trainer =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", 6000, 4), scope);
      try (Servable v1 = Servable.load(ModelSnapshot.write(V1, FRAPPE, trainer))) {
        double[] before = v1.score(rows).probabilities();
        ModelInfo v2Info = new ModelInfo("finalmlp", 2, 2_000L);
        // A training-mode pass moves batch-norm statistics: a dense change the delta must carry.
        trainer.forward(
            new ParameterStore(scope, false),
            new NDList(SnapshotFixtures.indices(scope, 64, 6000)),
            true);
        try (Servable v2 = v1.applyDelta(ModelDelta.capture(v2Info, 1, trainer, new BitSet()))) {
          assertThat(v2.info()).isEqualTo(v2Info);
          assertThat(v1.score(rows).probabilities()).containsExactly(before);
          double[] after = v2.score(rows).probabilities();
          assertThat(after).isNotEqualTo(before);
          try (Servable reloaded = Servable.load(v2.toSnapshot())) {
            assertThat(reloaded.score(rows).probabilities()).containsExactly(after);
          }
          assertThatThrownBy(
                  () ->
                      v1.applyDelta(
                          ModelDelta.capture(
                              new ModelInfo("finalmlp", 3, 0), 2, trainer, new BitSet())))
              .isInstanceOfSatisfying(
                  SnapshotFormatException.class,
                  e -> assertThat(e.reason()).isEqualTo(Reason.VERSION_GAP));
        }
      }
    }
  }

  @Test
  void refusesToScoreWhenClosedAndScoresAnEmptyBatch() throws Exception {
    byte[] snapshot;
    try (NDManager scope = manager.newSubManager()) {
      snapshot =
          ModelSnapshot.write(
              V1, FRAPPE, SnapshotFixtures.trained(SnapshotFixtures.small("dnn", 6000, 4), scope));
    }
    Servable servable = Servable.load(snapshot);
    assertThat(servable.score(List.of()).size()).isZero();
    servable.close();
    servable.close();
    assertThatThrownBy(() -> servable.score(List.of()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("is closed");
  }

  @Test
  void aRejectedSnapshotLeavesNothingOpen() {
    assertThatThrownBy(() -> Servable.load(new byte[100]))
        .isInstanceOfSatisfying(
            SnapshotFormatException.class, e -> assertThat(e.reason()).isEqualTo(Reason.BAD_MAGIC));
  }

  @Test
  void dropoutPassesVaryPerRowLeaveBatchNormAloneAndAreConstantWithoutDropout() throws Exception {
    List<FeatureRow> rows =
        List.of(
            new FeatureRow(Map.of("user", "3", "item", "1000"), Map.of()),
            new FeatureRow(Map.of("user", "12", "item", "2000"), Map.of()));
    try (NDManager scope = manager.newSubManager()) {
      CtrModelConfig withDropout = SnapshotFixtures.small("finalmlp", FRAPPE.totalRows(), 4);
      CtrModelBlock block = SnapshotFixtures.trained(withDropout, scope);
      try (Servable servable = Servable.load(ModelSnapshot.write(V1, FRAPPE, block))) {
        double[] before = servable.score(rows).probabilities();
        double[][] passes =
            servable.scoreWithDropout(rows, FeatureRow::categorical, FeatureRow::numeric, 16);

        assertThat(passes).hasDimensions(2, 16);
        // Rows draw their own masks: passes differ from each other and from the inference score.
        assertThat(Arrays.stream(passes[0]).distinct().count()).isGreaterThan(1);
        // Batch norm ran on its running statistics and did not update them.
        assertThat(servable.score(rows).probabilities()).containsExactly(before);
      }
      CtrModelBlock plain =
          SnapshotFixtures.trained(
              CtrModelConfig.builder()
                  .setModel("finalmlp")
                  .setNumRows(FRAPPE.totalRows())
                  .setNumFields(10)
                  .setEmbeddingDim(4)
                  .optMlp1Units(List.of(8, 6))
                  .optMlp2Units(List.of(4))
                  .optBatchNorm(true)
                  .optGateHiddenUnits(List.of(5))
                  .optGate1ContextFields(List.of(0))
                  .optGate2ContextFields(List.of(1))
                  .optHeads(2)
                  .optEmbeddingL2(0.01f)
                  .build(),
              scope);
      try (Servable servable = Servable.load(ModelSnapshot.write(V1, FRAPPE, plain))) {
        double expected = servable.score(rows).probability(1);
        double[][] passes =
            servable.scoreWithDropout(rows, FeatureRow::categorical, FeatureRow::numeric, 5);
        assertThat(passes[1]).containsOnly(expected);
      }
    }
  }
}
