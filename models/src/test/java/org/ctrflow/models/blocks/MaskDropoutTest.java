package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link MaskDropout}: inverted-dropout statistics, inference identity, gradients, seeding. */
@Timeout(60)
class MaskDropoutTest {

  private static final Shape SHAPE = new Shape(500, 400);

  private static float[] trainForward(MaskDropout dropout, NDManager m, NDArray x) {
    return BlockFixtures.forward(dropout, m, true, x).toFloatArray();
  }

  @Test
  void dropsAtTheRateAndScalesTheKeptValues() {
    MaskDropout dropout = MaskDropout.builder().optRate(0.4f).build();
    try (NDManager m = NDManager.newBaseManager()) {
      float[] out = trainForward(dropout, m, m.ones(SHAPE));
      int kept = 0;
      for (float v : out) {
        assertThat(v).isIn(0f, 1f / 0.6f);
        kept += v == 0f ? 0 : 1;
      }
      // 200,000 draws: the kept fraction's standard deviation is about 0.0011.
      assertThat(kept / (double) out.length).isCloseTo(0.6, within(0.006));
      assertThat(BlockFixtures.forward(dropout, m, false, m.ones(SHAPE)).toFloatArray())
          .as("inference is the identity")
          .containsOnly(1f);
    }
  }

  @Test
  void theGradientIsTheMask() {
    MaskDropout dropout = MaskDropout.builder().optRate(0.25f).build();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray x = m.randomNormal(new Shape(64, 32));
      x.setRequiresGradient(true);
      NDArray y;
      try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
        y = BlockFixtures.forward(dropout, m, true, x);
        collector.backward(y.sum());
      }
      float[] out = y.toFloatArray();
      float[] in = x.toFloatArray();
      float[] gradient = x.getGradient().toFloatArray();
      for (int i = 0; i < out.length; i++) {
        float mask = gradient[i];
        assertThat(mask).isIn(0f, 1f / 0.75f);
        assertThat(out[i]).isCloseTo(in[i] * mask, within(1e-6f));
      }
    }
  }

  @Test
  void theEngineSeedMakesMasksRepeat() {
    float[][] runs = new float[2][];
    for (int run = 0; run < 2; run++) {
      Engine.getInstance().setRandomSeed(5);
      MaskDropout dropout = MaskDropout.builder().optRate(0.5f).build();
      try (NDManager m = NDManager.newBaseManager()) {
        trainForward(dropout, m, m.ones(new Shape(8, 8)));
        runs[run] = trainForward(dropout, m, m.ones(new Shape(8, 8)));
      }
    }
    assertThat(runs[1]).isEqualTo(runs[0]);
  }

  @Test
  void rejectsARateOutsideZeroToOne() {
    assertThatThrownBy(() -> MaskDropout.builder().optRate(1f).build())
        .hasMessageContaining("dropout rate must be in [0, 1), got 1.0");
  }
}
