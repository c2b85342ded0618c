package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ctrflow.models.training.OnlineTrainerTest.BATCH;
import static org.ctrflow.models.training.OnlineTrainerTest.labels;
import static org.ctrflow.models.training.OnlineTrainerTest.model;
import static org.ctrflow.models.training.OnlineTrainerTest.trainer;

import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.ctrflow.models.snapshot.SnapshotFormatException;
import org.ctrflow.models.snapshot.SnapshotFormatException.Reason;
import org.ctrflow.models.snapshot.TrainerState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link OnlineTrainer#saveState()} / {@link OnlineTrainer#restoreState}: continuation and every
 * rejection.
 */
@Timeout(120)
class TrainerStateTest {

  /** Rows over the whole table, so that both halves get moments. */
  private static long[] rows(Random random) {
    long[] rows = new long[BATCH * 4];
    for (int i = 0; i < rows.length; i++) {
      rows[i] = random.nextInt(40);
    }
    return rows;
  }

  private static void trainSteps(OnlineTrainer t, long seed, int steps) {
    Random random = new Random(seed);
    for (int i = 0; i < steps; i++) {
      float[] w = new float[BATCH];
      Arrays.fill(w, 0.5f + random.nextFloat());
      t.train(rows(random), BATCH, labels(random), w);
    }
  }

  private static List<float[]> weights(OnlineTrainer t) {
    List<float[]> weights = new ArrayList<>();
    for (Pair<String, Parameter> p : t.block().getParameters()) {
      weights.add(p.getValue().getArray().toFloatArray());
    }
    return weights;
  }

  /**
   * Train 6 steps, save, restore into a trainer built with another seed (other initial weights),
   * then 6 more identical steps on both: the same weights and scores. Batch norm in training mode
   * and clipping are on, dropout is 0 (the engine's random state is not part of the state).
   */
  @Test
  void aRestoredTrainerContinuesExactlyLikeTheOriginal() throws Exception {
    TrainerConfig config = trainer().clipNorm(0.5f).embeddingL2(0.01f).build();
    try (OnlineTrainer original = new OnlineTrainer(model("finalmlp"), config);
        OnlineTrainer restored =
            new OnlineTrainer(model("finalmlp"), config.toBuilder().seed(99).build())) {
      trainSteps(original, 1, 6);
      original.setLearningRateScale(0.5f);
      byte[] state = original.saveState();
      assertThat(weights(restored).get(0)).isNotEqualTo(weights(original).get(0));

      restored.restoreState(state);
      assertThat(restored.steps()).isEqualTo(6);
      assertThat(restored.learningRateScale()).isEqualTo(0.5f);
      assertThat(restored.touchedRowsSinceClear()).isEqualTo(original.touchedRowsSinceClear());
      assertThat(restored.saveState()).as("state right after restoring").isEqualTo(state);

      trainSteps(original, 2, 6);
      trainSteps(restored, 2, 6);
      List<float[]> a = weights(original);
      List<float[]> b = weights(restored);
      for (int i = 0; i < a.size(); i++) {
        assertThat(b.get(i)).as("parameter %d", i).containsExactly(a.get(i), within(1e-6f));
      }
      long[] probe = rows(new Random(3));
      double[] scoresA = original.predict(probe, BATCH);
      double[] scoresB = restored.predict(probe, BATCH);
      assertThat(scoresB).containsExactly(scoresA, org.assertj.core.api.Assertions.within(1e-6));
      assertThat(restored.steps()).isEqualTo(12);
    }
  }

  private static org.assertj.core.data.Offset<Float> within(float tolerance) {
    return org.assertj.core.api.Assertions.within(tolerance);
  }

  @Test
  void aFreshTrainersStateRoundTripsBitForBit() throws Exception {
    try (OnlineTrainer a = new OnlineTrainer(model("dnn"), trainer().build());
        OnlineTrainer b = new OnlineTrainer(model("dnn"), trainer().seed(5).build())) {
      byte[] state = a.saveState();
      b.restoreState(state);
      assertThat(b.saveState()).isEqualTo(state);
      assertThat(b.steps()).isZero();
    }
  }

  private static byte[] trainedState() {
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      trainSteps(t, 1, 2);
      return t.saveState();
    }
  }

  private static void assertRejected(byte[] state, Reason reason, String message) {
    try (OnlineTrainer t = new OnlineTrainer(model("finalmlp"), trainer().build())) {
      List<float[]> before = weights(t);
      assertThatThrownBy(() -> t.restoreState(state))
          .isInstanceOfSatisfying(
              SnapshotFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason))
          .hasMessageContaining(message);
      List<float[]> after = weights(t);
      for (int i = 0; i < before.size(); i++) {
        assertThat(after.get(i)).as("a rejected state changes nothing").isEqualTo(before.get(i));
      }
      assertThat(t.steps()).isZero();
    }
  }

  @Test
  void rejectsAnUnknownVersion() {
    byte[] state = trainedState();
    ByteBuffer.wrap(state).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
    assertRejected(state, Reason.UNKNOWN_VERSION, "unknown model trainer state format version 2");
  }

  @Test
  void rejectsAChecksumMismatch() {
    byte[] state = trainedState();
    state[state.length / 2] ^= 1;
    assertRejected(state, Reason.CHECKSUM_MISMATCH, "checksum mismatch in model trainer state");
  }

  @Test
  void rejectsTruncatedBytesAndOtherFiles() {
    byte[] state = trainedState();
    assertRejected(
        Arrays.copyOf(state, state.length - 100), Reason.TRUNCATED, "header says " + state.length);
    byte[] other = state.clone();
    other[0] = 'X';
    assertRejected(other, Reason.BAD_MAGIC, "not a ctrflow model trainer state");
  }

  @Test
  void rejectsAnotherModelConfig() {
    byte[] state;
    try (OnlineTrainer t = new OnlineTrainer(model("dualmlp"), trainer().build())) {
      state = t.saveState();
    }
    assertRejected(state, Reason.MODEL_MISMATCH, "model dualmlp vs finalmlp");
  }

  @Test
  void rejectsAMissingOrReshapedTensor() throws Exception {
    TrainerState good = TrainerState.read(trainedState());
    List<TrainerState.Tensor> tensors = new ArrayList<>(good.tensors());
    TrainerState.Tensor last = tensors.remove(tensors.size() - 1);
    assertRejected(
        withTensors(good, tensors),
        Reason.SHAPE_MISMATCH,
        "tensor " + tensors.size() + " is 'nothing', expected '" + last.name() + "'");

    tensors.add(
        new TrainerState.Tensor(
            last.name(), new Shape(last.data().length, 1, 1), last.data().clone()));
    assertRejected(
        withTensors(good, tensors),
        Reason.SHAPE_MISMATCH,
        "'"
            + last.name()
            + "' has shape ("
            + last.data().length
            + ", 1, 1), expected "
            + last.shape());
  }

  @Test
  void rejectsANonFiniteValue() throws Exception {
    TrainerState good = TrainerState.read(trainedState());
    List<TrainerState.Tensor> tensors = new ArrayList<>(good.tensors());
    TrainerState.Tensor first = tensors.get(0);
    float[] data = first.data().clone();
    data[3] = Float.NaN;
    tensors.set(0, new TrainerState.Tensor(first.name(), first.shape(), data));
    assertRejected(
        withTensors(good, tensors), Reason.NON_FINITE, "'" + first.name() + "' at flat index 3");
  }

  @Test
  void rejectsATouchedRowOutsideTheTable() throws Exception {
    TrainerState good = TrainerState.read(trainedState());
    java.util.BitSet touched = good.touchedRows();
    touched.set(40);
    byte[] bad =
        new TrainerState(
                good.modelConfig(), good.step(), good.learningRateScale(), touched, good.tensors())
            .write();
    assertRejected(bad, Reason.ROW_OUT_OF_RANGE, "touched row 40, outside the table's 40 rows");
  }

  private static byte[] withTensors(TrainerState s, List<TrainerState.Tensor> tensors) {
    return new TrainerState(
            s.modelConfig(), s.step(), s.learningRateScale(), s.touchedRows(), tensors)
        .write();
  }
}
