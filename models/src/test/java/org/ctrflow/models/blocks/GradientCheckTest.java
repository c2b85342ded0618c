package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.util.Pair;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Backward agrees with central finite differences of the training loss, also when the garbage
 * collector runs between forward and backward (DJL tensors over freed Java buffers would show up
 * here as wrong gradients).
 */
class GradientCheckTest {

  private static final long ROWS = 30;
  private static final int FIELDS = 4;
  private static final int BATCH = 12;
  private static final double STEP = 1e-7;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"finalmlp", "dualmlp", "dnn"})
  void gradientsMatchFiniteDifferences(String model) throws InterruptedException {
    // Seeded: with the engine's state left by earlier tests, a finite difference can straddle a
    // ReLU kink (pre-activations of ~1e-4 embeddings) and disagree with the one-sided derivative.
    Engine.getInstance().setRandomSeed(11);
    // No dropout, so that training-mode forward passes are deterministic.
    CtrModelConfig config =
        CtrModelConfig.builder()
            .setModel(model)
            .setNumRows(ROWS)
            .setNumFields(FIELDS)
            .setEmbeddingDim(3)
            .optMlp1Units(List.of(6))
            .optMlp2Units(List.of(4))
            .optBatchNorm(true)
            .optGateHiddenUnits(List.of(5))
            .optGate1ContextFields(List.of(0))
            .optHeads(2)
            .optEmbeddingL2(0.5f)
            .build();
    try (NDManager manager = NDManager.newBaseManager()) {
      // float64, so that finite differences resolve even the 1e-4-sized embeddings under BN.
      CtrModelBlock block = CtrModels.create(config);
      block.initialize(manager, DataType.FLOAT64, block.inputShape(1));
      CtrLoss loss = new CtrLoss(block);
      NDArray x = BlockFixtures.indices(manager, BATCH, FIELDS, ROWS);
      NDArray y =
          manager
              .randomInteger(0, 2, new Shape(BATCH, 1), DataType.INT32)
              .toType(DataType.FLOAT64, false);
      try (NDManager step = manager.newSubManager();
          GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        NDArray value = loss.evaluate(new NDList(y), new NDList(logits(block, step, x)));
        System.gc();
        Thread.sleep(50); // direct buffers are freed by a cleaner thread after the collection
        for (int i = 0; i < 200; i++) {
          step.create(new float[] {1e30f, 1e30f, 1e30f, 1e30f}).close();
        }
        collector.backward(value);
      }
      int checked = 0;
      for (Pair<String, Parameter> p : block.getParameters()) {
        if (!p.getValue().requiresGradient()) {
          continue;
        }
        NDArray weights = p.getValue().getArray();
        double[] gradient = weights.getGradient().toDoubleArray();
        int at = argMaxAbs(gradient);
        if (Math.abs(gradient[at]) < 1e-6) {
          continue;
        }
        double[] original = weights.toDoubleArray();
        double numeric =
            (lossAt(block, loss, weights, original, at, STEP, x, y)
                    - lossAt(block, loss, weights, original, at, -STEP, x, y))
                / (2 * STEP);
        weights.set(original);
        assertThat(gradient[at])
            .as("d loss / d %s[%d], finite difference %.5f", p.getKey(), at, numeric)
            .isCloseTo(numeric, within(1e-3 * Math.abs(numeric) + 1e-7));
        checked++;
      }
      assertThat(checked).as("parameters with a checkable gradient").isGreaterThan(4);
    }
  }

  private static double lossAt(
      CtrModelBlock block,
      CtrLoss loss,
      NDArray weights,
      double[] original,
      int at,
      double delta,
      NDArray x,
      NDArray y) {
    double[] moved = original.clone();
    moved[at] += delta;
    weights.set(moved);
    try (NDManager step = x.getManager().newSubManager()) {
      return loss.evaluate(new NDList(y), new NDList(logits(block, step, x))).getDouble();
    }
  }

  private static NDArray logits(CtrModelBlock block, NDManager step, NDArray x) {
    NDArray input = x.duplicate();
    input.attach(step);
    return BlockFixtures.forward(block, step, true, input);
  }

  private static int argMaxAbs(double[] values) {
    int best = 0;
    for (int i = 1; i < values.length; i++) {
      if (Math.abs(values[i]) > Math.abs(values[best])) {
        best = i;
      }
    }
    return best;
  }
}
