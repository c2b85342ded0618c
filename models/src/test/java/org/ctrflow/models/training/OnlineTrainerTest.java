package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.junit.jupiter.api.Test;

/** The trainer's step on real DJL blocks: lazy Adam, weights, clipping, test-then-train order. */
class OnlineTrainerTest {

  private static final int ROWS = 40;
  private static final int FIELDS = 4;
  static final int BATCH = 32;

  /** Dropout 0, so that two forwards of one batch agree exactly. */
  static CtrModelConfig model(String name) {
    return CtrModelConfig.builder()
        .setModel(name)
        .setNumRows(ROWS)
        .setNumFields(FIELDS)
        .setEmbeddingDim(4)
        .optMlp1Units(List.of(8))
        .optMlp2Units(List.of(4))
        .optBatchNorm(true)
        .optGateHiddenUnits(List.of(6))
        .optGate1ContextFields(List.of(0))
        .optHeads(2)
        .build();
  }

  /** Lazy Adam rows and no replay: the step the tests below compute by hand. */
  static TrainerConfig.Builder trainer() {
    return TrainerConfig.builder()
        .batchSize(BATCH)
        .learningRates(1e-2f)
        .rowOptimizer("adam")
        .replay(0, 1f)
        .clipNorm(0f)
        .seed(7);
  }

  /** Rows in [0, 20): the table's upper half is never touched. */
  static long[] lowRows(Random random) {
    long[] rows = new long[BATCH * FIELDS];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextInt(ROWS / 2);
    }
    return rows;
  }

  static float[] labels(Random random) {
    float[] y = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      y[i] = random.nextBoolean() ? 1f : 0f;
    }
    return y;
  }

  static float[] table(OnlineTrainer t) {
    return embedding(t).getArray().toFloatArray();
  }

  static Parameter embedding(OnlineTrainer t) {
    return t.block().getParameters().stream()
        .filter(p -> p.getValue().getName().equals("embedding"))
        .findFirst()
        .orElseThrow()
        .getValue();
  }

  @Test
  void lazyAdamChangesExactlyTheTouchedRows() {
    Random random = new Random(1);
    long[] rows = lowRows(random);
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      float[] before = table(t);
      t.train(rows, BATCH, labels(random), null);
      float[] after = table(t);
      BitSet touched = new BitSet();
      Arrays.stream(rows).forEach(r -> touched.set((int) r));
      assertThat(t.touchedRowsSinceClear()).isEqualTo(touched);
      for (int r = 0; r < ROWS; r++) {
        float[] b = Arrays.copyOfRange(before, r * 4, r * 4 + 4);
        float[] a = Arrays.copyOfRange(after, r * 4, r * 4 + 4);
        if (touched.get(r)) {
          assertThat(a).as("row %d", r).isNotEqualTo(b);
        } else {
          assertThat(a).as("row %d", r).isEqualTo(b);
        }
      }
      t.clearTouched();
      assertThat(t.touchedRowsSinceClear().isEmpty()).isTrue();
    }
  }

  /**
   * AdaGrad rows from a zero accumulator: n = g², so each touched coordinate moves by lr·g / (|g| +
   * ε), a full step of lr against its gradient's sign, however small the gradient; untouched rows
   * keep their values.
   */
  @Test
  void adagradRowsTakeAFullFirstStepPerCoordinate() {
    Random random = new Random(1);
    long[] rows = lowRows(random);
    float lr = 0.05f;
    try (OnlineTrainer t =
        new OnlineTrainer(
            model("finalmlp"),
            trainer().rowOptimizer("adagrad").embeddingLearningRate(lr).epsilon(1e-10f).build())) {
      float[] before = table(t);
      t.train(rows, BATCH, labels(random), null);
      float[] after = table(t);
      BitSet touched = new BitSet();
      Arrays.stream(rows).forEach(r -> touched.set((int) r));
      int moved = 0;
      for (int i = 0; i < before.length; i++) {
        float change = Math.abs(after[i] - before[i]);
        if (touched.get(i / 4)) {
          assertThat(change).as("coordinate %d", i).isCloseTo(lr, within(1e-4f));
          moved++;
        } else {
          assertThat(change).isZero();
        }
      }
      assertThat(moved).isEqualTo(touched.cardinality() * 4);
    }
  }

  /** updateBatch 8 on a micro-batch of 32: four deep steps, each on the next 8 examples. */
  @Test
  void aMicroBatchIsLearntInStepsOfTheUpdateBatch() {
    Random random = new Random(2);
    try (OnlineTrainer parts =
            new OnlineTrainer(model("finalmlp"), trainer().updateBatch(8).build());
        OnlineTrainer whole = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      long[] rows = lowRows(random);
      float[] labels = labels(random);
      assertThat(parts.scoreThenTrain(rows, BATCH, labels, null))
          .containsExactly(whole.scoreThenTrain(rows, BATCH, labels, null));
      assertThat(parts.steps()).isEqualTo(4);
      assertThat(whole.steps()).isEqualTo(1);
      assertThat(table(parts)).isNotEqualTo(table(whole));
    }
  }

  /**
   * From the same state, one lazy step equals DJL's dense Adam on the full table gradient (rows the
   * batch misses have zero gradient and zero moments, so dense Adam leaves them too). Tolerance:
   * float32 rounding of the same formula, relative 1e-4 or absolute 1e-7.
   */
  @Test
  void oneLazyStepMatchesDenseAdamOnTheTouchedRows() {
    Random random = new Random(2);
    long[] rows = lowRows(random);
    float[] y = labels(random);
    float lr = 1e-2f;
    try (OnlineTrainer t = new OnlineTrainer(model("dnn"), trainer().build());
        NDManager m = NDManager.newBaseManager()) {
      Parameter table = embedding(t);
      NDArray expected = table.getArray().duplicate();
      expected.attach(m);
      table.getArray().setRequiresGradient(true);
      try (GradientCollector c = Engine.getInstance().newGradientCollector()) {
        NDArray x = m.create(rows, new Shape(BATCH, FIELDS));
        NDArray logits =
            t.block().forward(new ParameterStore(m, false), new NDList(x), true).head();
        NDArray label = m.create(y, new Shape(BATCH, 1));
        c.backward(
            Loss.sigmoidBinaryCrossEntropyLoss().evaluate(new NDList(label), new NDList(logits)));
      }
      NDArray denseGradient = table.getArray().getGradient();
      denseGradient.attach(m);
      table.getArray().setRequiresGradient(false);
      Optimizer adam = Optimizer.adam().optLearningRateTracker(Tracker.fixed(lr)).build();
      adam.update("embedding", expected, denseGradient);

      t.train(rows, BATCH, y, null);
      float[] lazy = table(t);
      float[] dense = expected.toFloatArray();
      for (int i = 0; i < dense.length; i++) {
        assertThat(lazy[i])
            .as("entry %d", i)
            .isCloseTo(dense[i], within(1e-7f + 1e-4f * Math.abs(dense[i])));
      }
    }
  }

  @Test
  void importanceWeightsScaleTheGradient() {
    Random random = new Random(3);
    long[] rows = lowRows(random);
    float[] y = labels(random);
    float[] w = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      w[i] = 0.5f + random.nextFloat();
    }
    float[] w3 = new float[BATCH];
    for (int i = 0; i < BATCH; i++) {
      w3[i] = 3 * w[i];
    }
    double norm;
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      t.train(rows, BATCH, y, w);
      norm = t.lastGradientNorm();
    }
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      t.train(rows, BATCH, y, w3);
      assertThat(t.lastGradientNorm()).isCloseTo(3 * norm, within(1e-4 * norm));
    }
  }

  /** PyTorch accumulates gradients: a step must not see the previous step's. */
  @Test
  void stepsDoNotAccumulateGradients() {
    Random random = new Random(8);
    long[] rows = lowRows(random);
    float[] y = labels(random);
    try (OnlineTrainer t =
        new OnlineTrainer(model("finalmlp"), trainer().learningRates(1e-9f).build())) {
      t.train(rows, BATCH, y, null);
      double first = t.lastGradientNorm();
      t.train(rows, BATCH, y, null);
      assertThat(t.lastGradientNorm()).isCloseTo(first, within(1e-3 * first));
    }
  }

  @Test
  void clippingBoundsTheAppliedGradientNorm() {
    Random random = new Random(4);
    float clip = 1e-3f;
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().clipNorm(clip).build())) {
      t.train(lowRows(random), BATCH, labels(random), null);
      assertThat(t.lastGradientNorm()).isGreaterThan(10 * clip);
      // After step 1, m = (1 - β1)·g for every parameter: ‖m‖ / (1 - β1) is the applied norm.
      double applied = t.firstMomentNorm() / (1 - t.config().beta1());
      assertThat(applied).isCloseTo(clip, within(1e-3 * clip));
    }
  }

  @Test
  void scoresComeFromTheModelBeforeTheStep() {
    Random random = new Random(5);
    long[] rows = lowRows(random);
    float[] y = labels(random);
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      double[] before = t.predict(rows, BATCH);
      double[] scored = t.scoreThenTrain(rows, BATCH, y, null);
      assertThat(scored).isEqualTo(before);
      assertThat(t.predict(rows, BATCH)).isNotEqualTo(before);
      assertThat(t.steps()).isEqualTo(1);
    }
  }

  /** Label = field 0's row is even: learnable from one embedding; the loss must fall. */
  @Test
  void lossFallsOnALearnableProblem() {
    Random random = new Random(6);
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      double first = 0;
      double last = 0;
      for (int step = 0; step < 150; step++) {
        long[] rows = new long[BATCH * FIELDS];
        float[] y = new float[BATCH];
        for (int i = 0; i < BATCH; i++) {
          for (int f = 0; f < FIELDS; f++) {
            rows[i * FIELDS + f] = f * 10 + random.nextInt(10);
          }
          y[i] = rows[i * FIELDS] % 2 == 0 ? 1f : 0f;
        }
        double loss = t.train(rows, BATCH, y, null);
        if (step == 0) {
          first = loss;
        } else if (step >= 140) {
          last += loss / 10;
        }
      }
      assertThat(first).isCloseTo(Math.log(2), within(0.05));
      assertThat(last).isLessThan(0.2);
    }
  }

  @Test
  void rejectsRowsOutsideTheTable() {
    try (OnlineTrainer t = new OnlineTrainer(model("dnn"), trainer().build())) {
      long[] rows = new long[FIELDS];
      rows[2] = ROWS;
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> t.predict(rows, 1))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("row 40 of example 0 is outside [0, 40)");
    }
  }
}
