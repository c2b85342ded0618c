package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
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
    return CtrModelConfig.builder()
        .setModel(model)
        .setNumRows(ROWS)
        .setNumFields(FIELDS)
        .setEmbeddingDim(4)
        .optMlp1Units(List.of(8))
        .optMlp2Units(List.of(4))
        .optGateHiddenUnits(List.of(6))
        .optGate1ContextFields(List.of(0))
        .optHeads(2)
        .optOptions(options)
        .build();
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
        config(
            "finalmlp", Map.of("wide.linear", "true", "wide.crosses", "all", "wide.factors", "2")));
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
        assertThat(served[i])
            .as(config.model() + " " + config.options())
            .isCloseTo(p, within(1e-5));
      }
    }
  }

  /**
   * One FTRL-Proximal step by hand (McMahan et al. 2013, Algorithm 1), α 0.5, β 1, λ1 0.01, λ2 0.1,
   * from w = z = n = 0: every weight of the example gets g = p − y = 0.5 − 1, σ = |g| / α, z = g, n
   * = g², w = −(z − sign(z)·λ1) / ((β + |g|) / α + λ2).
   */
  @Test
  void anFtrlStepIsMcMahansAlgorithmOne() {
    CtrModelConfig config = config("ftrl", Map.of("wide.crosses", "none"));
    TrainerConfig trainer =
        TrainerConfig.builder().batchSize(1).ftrl(0.5f, 1f, 0.01f, 0.1f).seed(1).build();
    try (OnlineTrainer t = new OnlineTrainer(config, trainer)) {
      long[] rows = {0, 15, 30, 45};
      double[] scores = t.scoreThenTrain(rows, 1, new float[] {1f}, null);
      assertThat(scores[0]).isEqualTo(0.5);
      double g = -0.5;
      double w = -(g + 0.01) / ((1 + 0.5) / 0.5 + 0.1);
      // Bias and four linear weights, all equal after one step.
      double expected = 1 / (1 + Math.exp(-5 * w));
      assertThat(t.predict(rows, 1)[0]).isCloseTo(expected, within(1e-6));
    }
  }

  /** Within a batch, each example is scored with what the examples before it taught. */
  @Test
  void eachExampleIsScoredAfterTheOnesBeforeIt() {
    try (OnlineTrainer t =
        new OnlineTrainer(config("ftrl", Map.of()), TrainerConfig.builder().seed(1).build())) {
      long[] twice = {1, 16, 31, 46, 1, 16, 31, 46};
      double[] scores = t.scoreThenTrain(twice, 2, new float[] {1f, 1f}, null);
      assertThat(scores[0]).isEqualTo(0.5);
      assertThat(scores[1]).isGreaterThan(0.5);
    }
  }

  /** The Java cross rows and the tensor ones agree, for int32 and int64 indices. */
  @Test
  void crossRowsAgreeInJavaAndOnTensors() {
    org.ctrflow.models.blocks.PairCrosses crosses =
        new org.ctrflow.models.blocks.PairCrosses(FIELDS, 1009);
    Random random = new Random(4);
    long[] rows = rows(random, 50);
    try (NDManager manager = NDManager.newBaseManager()) {
      long[] fromTensors = crosses.rows(manager.create(rows, new Shape(50, FIELDS))).toLongArray();
      int[] asInts = java.util.Arrays.stream(rows).mapToInt(r -> (int) r).toArray();
      long[] fromInts = crosses.rows(manager.create(asInts, new Shape(50, FIELDS))).toLongArray();
      for (int i = 0; i < 50; i++) {
        for (int p = 0; p < crosses.pairs(); p++) {
          long expected = crosses.row(rows, i * FIELDS, p);
          assertThat(expected).isBetween(0L, 1008L);
          assertThat(fromTensors[i * crosses.pairs() + p]).isEqualTo(expected);
          assertThat(fromInts[i * crosses.pairs() + p]).isEqualTo(expected);
        }
      }
    }
  }

  /** A trainer restored from its state continues exactly like the original, wide terms included. */
  @Test
  void aRestoredTrainerContinuesExactly() throws Exception {
    CtrModelConfig config =
        config(
            "finalmlp", Map.of("wide.linear", "true", "wide.crosses", "all", "wide.factors", "2"));
    // Replay restarts empty after a restore (OnlineTrainer#saveState): none here.
    TrainerConfig trainer =
        TrainerConfig.builder().batchSize(16).rowOptimizer("adagrad").replay(0, 1f).seed(5).build();
    Random random = new Random(9);
    try (OnlineTrainer original = new OnlineTrainer(config, trainer);
        OnlineTrainer restored = new OnlineTrainer(config, trainer)) {
      for (int i = 0; i < 3; i++) {
        original.scoreThenTrain(rows(random, 16), 16, labels(random, 16), null);
      }
      restored.restoreState(original.saveState());
      long[] rows = rows(random, 16);
      float[] labels = labels(random, 16);
      assertThat(restored.scoreThenTrain(rows, 16, labels, null))
          .containsExactly(original.scoreThenTrain(rows, 16, labels, null));
      long[] probe = rows(random, 8);
      assertThat(restored.predict(probe, 8)).containsExactly(original.predict(probe, 8));
    }
  }

  @Test
  void wideOptionsAreCheckedByName() {
    assertThatThrownBy(
            () ->
                new OnlineTrainer(
                    config("ftrl", Map.of("wide.linear", "false", "wide.crosses", "none")),
                    TrainerConfig.builder().build()))
        .hasMessage("model 'ftrl' needs at least one of wide.linear, wide.crosses, wide.factors");
    assertThatThrownBy(
            () ->
                new OnlineTrainer(
                    config("finalmlp", Map.of("wide.crossez", "all")),
                    TrainerConfig.builder().build()))
        .hasMessageStartingWith("unknown model 'finalmlp' option 'wide.crossez'; known:");
    assertThatThrownBy(
            () ->
                new OnlineTrainer(
                    config("fm", Map.of("wide.factors", "-1")), TrainerConfig.builder().build()))
        .hasMessage("wide.factors must be an integer from 0 to 1024, was '-1'");
  }
}
