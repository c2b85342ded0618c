package org.ctrflow.memnet;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.training.TrainerConfig;

/** Small memory-model configs and random batches for the tests. */
final class MemoryFixtures {

  static final int ROWS = 60;
  static final int FIELDS = 4;
  static final int BATCH = 32;

  private MemoryFixtures() {}

  /** Dropout 0 and no batch norm, so two forwards of one batch agree exactly. */
  static CtrModelConfig small(String model, Map<String, String> options) {
    return CtrModelConfig.builder()
        .setModel(model)
        .setNumRows(ROWS)
        .setNumFields(FIELDS)
        .setEmbeddingDim(4)
        .optMlp1Units(List.of(8))
        .optMlp2Units(List.of(8))
        .optGateHiddenUnits(List.of(6))
        .optGate1ContextFields(List.of(0))
        .optHeads(2)
        .optOptions(options)
        .build();
  }

  static Map<String, String> smallMemory() {
    return Map.of(
        "memory.slots",
        "6",
        "memory.width",
        "4",
        "controller.units",
        "8",
        "sg.units",
        "8",
        "fast.enabled",
        "true",
        "fast.batch",
        "8",
        "fast.lr",
        "0.05");
  }

  static TrainerConfig trainer() {
    return TrainerConfig.builder()
        .batchSize(BATCH)
        .learningRates(1e-2f)
        .clipNorm(0f)
        .seed(7)
        .build();
  }

  static long[] rows(Random random) {
    long[] rows = new long[BATCH * FIELDS];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = (long) (i % FIELDS) * (ROWS / FIELDS) + random.nextInt(ROWS / FIELDS);
    }
    return rows;
  }

  /** Clicks when the first field's row is in its lower half: learnable from the features. */
  static float[] labels(long[] rows) {
    float[] labels = new float[rows.length / FIELDS];
    for (int i = 0; i < labels.length; i++) {
      labels[i] = rows[i * FIELDS] < ROWS / FIELDS / 2 ? 1f : 0f;
    }
    return labels;
  }
}
