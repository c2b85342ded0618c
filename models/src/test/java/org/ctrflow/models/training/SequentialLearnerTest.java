package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.junit.jupiter.api.Test;

/** The wide terms' example-by-example learner, against the block that serves them. */
class SequentialLearnerTest {

  private static final int ROWS = 60;
  private static final int FIELDS = 4;

  static CtrModelConfig config(String model, Map<String, String> options) {
    return new CtrModelConfig(
        model,
        ROWS,
        FIELDS,
        4,
        List.of(8),
        0f,
        List.of(4),
        0f,
        false,
        List.of(6),
        List.of(0),
        List.of(),
        2,
        0f,
        options);
  }

  private static long[] rows(Random random, int batch) {
    long[] rows = new long[batch * FIELDS];
    for (int i = 0; i < rows.length; i++) {
      // Field f takes rows [15 f, 15 f + 15), as a feature schema lays them out.
      rows[i] = (i % FIELDS) * 15L + random.nextInt(15);
    }
    return rows;
  }

  private static float[] labels(Random random, int batch) {
    float[] y = new float[batch];
    for (int i = 0; i < batch; i++) {
      y[i] = random.nextBoolean() ? 1f : 0f;
    }
    return y;
  }

  /**
   * After learning, the block's forward pass (what a served model computes) gives the logit the
   * learner computes in Java, for every combination of terms.
   */
  @Test
  void theBlockScoresWhatTheLearnerLearnt() {
    for (Map<String, String> options :
        List.of(
            Map.<String, String>of(),
            Map.of("wide.crosses", "none"),
            Map.of("wide.linear", "false", "wide.cross-rows", "97"),
            Map.of("wide.factors", "3", "wide.cross-rows", "101"))) {
      for (String model : List.of("ftrl", "fm")) {
        if (model.equals("fm") && !options.isEmpty()) {
          continue;
        }
        assertParity(config(model, options));
      }
    }
    assertParity(
        config("finalmlp", Map.of("wide.linear", "true", "wide.crosses", "all", "wide.factors", "2")));
  }

  private static void assertParity(CtrModelConfig config) {
    Random random = new Random(3);
    TrainerConfig trainer = TrainerConfig.builder().batchSize(16).seed(5).build();
    try (OnlineTrainer t = new OnlineTrainer(config, trainer);
        NDManager manager = NDManager.newBaseManager()) {
      for (int step = 0; step < 5; step++) {
        t.scoreThenTrain(rows(random, 16), 16, labels(random, 16), null);
      }
      long[] probe = rows(random, 8);
      double[] served = t.predict(probe, 8);
      float[] deep =
          t.block().deepLogits(manager.create(probe, new Shape(8, FIELDS))).toFloatArray();
      SequentialLearner learner = t.sequentialLearner();
      for (int i = 0; i < 8; i++) {
        double p = 1 / (1 + Math.exp(-(deep[i] + learner.logit(probe, i * FIELDS))));
        assertThat(served[i]).as(config.model() + " " + config.options()).isCloseTo(p, within(1e-5));
      }
    }
  }
}
