package org.ctrflow.activelearning.strategies;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.snapshot.FeatureRow;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.ModelSnapshot;
import org.ctrflow.models.snapshot.Servable;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;

/**
 * A small FinalMLP over Frappe's fields, trained for 150 steps on a synthetic rule (users 0-49
 * click, 50-99 do not), so its scores spread away from 0.5 as a real model's do.
 */
final class TrainedModel {

  static final FeatureSchema FRAPPE = FeatureSchemas.frappe();

  private TrainedModel() {}

  static FeatureRow row(int user, int item) {
    return new FeatureRow(Map.of("user", "" + user, "item", "" + item), Map.of());
  }

  /** A trained Servable; dropout 0 gives a model whose passes are all equal. */
  static Servable servable(float dropout) throws Exception {
    CtrModelConfig config =
        CtrModelConfig.builder()
            .setModel("finalmlp")
            .setNumRows(FRAPPE.totalRows())
            .setNumFields(FRAPPE.fieldCount())
            .setEmbeddingDim(4)
            .optMlp1Units(List.of(16))
            .optMlp1Dropout(dropout)
            .optMlp2Units(List.of(8))
            .optMlp2Dropout(dropout)
            .optBatchNorm(true)
            .optGateHiddenUnits(List.of(8))
            .optGate1ContextFields(List.of(0))
            .optGate2ContextFields(List.of(1))
            .optHeads(2)
            .build();
    TrainerConfig training =
        TrainerConfig.builder().batchSize(64).learningRate(3e-3f).seed(5).build();
    try (OnlineTrainer trainer = new OnlineTrainer(config, training)) {
      SplittableRandom random = new SplittableRandom(6);
      for (int step = 0; step < 150; step++) {
        List<FeatureRow> rows = new ArrayList<>();
        float[] labels = new float[64];
        for (int i = 0; i < 64; i++) {
          int user = random.nextInt(100);
          rows.add(row(user, random.nextInt(50)));
          labels[i] = user < 50 ? 1 : 0;
        }
        long[] encoded = new long[64 * FRAPPE.fieldCount()];
        FRAPPE.encoder().encodeBatch(rows, FeatureRow::categorical, FeatureRow::numeric, encoded);
        trainer.train(encoded, 64, labels, null);
      }
      return Servable.load(
          ModelSnapshot.write(new ModelInfo("finalmlp", 1, 0), FRAPPE, trainer.block()));
    }
  }
}
