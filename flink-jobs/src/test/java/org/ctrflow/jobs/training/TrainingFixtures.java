package org.ctrflow.jobs.training;

import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;

/** Small models over Frappe's schema and random examples, shared by the training job's tests. */
final class TrainingFixtures {

  static final FeatureSchema FRAPPE = FeatureSchemas.frappe();

  private TrainingFixtures() {}

  /**
   * A small model (d = 4, tiny MLPs) over Frappe's 10 fields, quick to train and snapshot; the
   * memory models with their fast path on, so that their fast-learned controllers are covered.
   */
  static CtrModelConfig small(String model) {
    return CtrModelConfig.builder()
        .setModel(model)
        .setNumRows(FRAPPE.totalRows())
        .setNumFields(10)
        .setEmbeddingDim(4)
        .optMlp1Units(List.of(8))
        .optMlp1Dropout(0.1f)
        .optMlp2Units(List.of(4))
        .optMlp2Dropout(0.1f)
        .optBatchNorm(true)
        .optGateHiddenUnits(List.of(5))
        .optGate1ContextFields(List.of(0))
        .optGate2ContextFields(List.of(1))
        .optHeads(2)
        .optOptions(
            model.equals("memnet") || model.equals("hybrid")
                ? Map.of("fast.enabled", "true")
                : Map.of())
        .build();
  }

  static TrainingSetup setup(
      List<String> models,
      int batchSize,
      long publishEvery,
      long publishIntervalMillis,
      long tickMillis,
      Path store) {
    return TrainingSetup.of(
        FRAPPE,
        models.stream().map(TrainingFixtures::small).toList(),
        TrainerConfig.builder().batchSize(batchSize).learningRates(1e-2f).build(),
        publishEvery,
        publishIntervalMillis,
        10,
        tickMillis,
        store.toString());
  }

  /** Random Frappe-like feature maps (libFM ids as values), seeded. */
  static Map<String, String> features(Random random) {
    Map<String, String> features = new HashMap<>();
    for (String field : LibFmReader.FRAPPE_FIELDS) {
      features.put(field, Integer.toString(random.nextInt(5382)));
    }
    return features;
  }

  static EncodedExample example(String model, Random random) {
    int[] rows = FRAPPE.encoder().encode(features(random), Map.of());
    return new EncodedExample(model, rows, random.nextInt(2), 1f);
  }
}
