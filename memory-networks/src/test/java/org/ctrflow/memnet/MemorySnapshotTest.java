package org.ctrflow.memnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.snapshot.ModelDelta;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.ModelSnapshot;
import org.ctrflow.models.training.OnlineTrainer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The memory is model state: snapshots and deltas carry it, and scoring after loading agrees. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemorySnapshotTest {

  private static final FeatureSchema FRAPPE = FeatureSchemas.frappe();
  private static final int BATCH = 64;

  private static long[] rows(Random random) {
    long[] rows = new long[BATCH * FRAPPE.fieldCount()];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextInt((int) FRAPPE.totalRows());
    }
    return rows;
  }

  private static void train(OnlineTrainer trainer, Random random, int steps) {
    for (int s = 0; s < steps; s++) {
      long[] rows = rows(random);
      float[] labels = new float[BATCH];
      for (int i = 0; i < BATCH; i++) {
        labels[i] = rows[i * FRAPPE.fieldCount()] % 3 == 0 ? 1f : 0f;
      }
      trainer.scoreThenTrain(rows, BATCH, labels, null);
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"memnet", "hybrid", "nmn", "nmn-finalmlp"})
  void snapshotAndDeltaRestoreTheMemoryAndTheScores(String model) throws Exception {
    CtrModelConfig config =
        CtrModelConfig.frappe(model, FRAPPE.totalRows()).toBuilder()
            .optOptions(MemoryFixtures.smallMemory())
            .build();
    assertThat(CtrModels.names()).contains(model);
    try (OnlineTrainer trainer = new OnlineTrainer(config, MemoryFixtures.trainer());
        NDManager manager = NDManager.newBaseManager()) {
      Random random = new Random(5);
      train(trainer, random, 3);
      byte[] snapshot = ModelSnapshot.write(new ModelInfo(model, 1, 1L), FRAPPE, trainer.block());
      trainer.clearTouched();
      float[] memoryAtV1 = memory(trainer.block());
      train(trainer, random, 3);
      float[] memoryAtV2 = memory(trainer.block());
      assertThat(memoryAtV2).isNotEqualTo(memoryAtV1);
      NDArray x = manager.create(rows(random), new Shape(BATCH, FRAPPE.fieldCount()));
      float[] expected = trainer.block().predict(x).toFloatArray();

      ModelSnapshot.Loaded v1 = ModelSnapshot.read(snapshot, manager);
      assertThat(v1.block()).isInstanceOf(MemoryAugmentedBlock.class);
      assertThat(v1.block().config()).isEqualTo(config);
      assertThat(memory(v1.block())).isEqualTo(memoryAtV1);

      ModelDelta delta =
          ModelDelta.fromBytes(
              ModelDelta.capture(
                      new ModelInfo(model, 2, 2L),
                      1,
                      trainer.block(),
                      trainer.touchedRowsSinceClear())
                  .toBytes());
      CtrModelBlock v2 = delta.applyTo(v1.info(), v1.block(), manager);
      assertThat(memory(v2)).isEqualTo(memoryAtV2);
      assertThat(v2.predict(x).toFloatArray()).isEqualTo(expected);
    }
  }

  private static float[] memory(CtrModelBlock block) {
    return ((MemoryAugmentedBlock) block).memory().slots().getArray().toFloatArray();
  }
}
