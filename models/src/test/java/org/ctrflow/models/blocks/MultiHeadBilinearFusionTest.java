package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class MultiHeadBilinearFusionTest {

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @Test
  void matchesAHandComputedTwoHeadCase() {
    try (NDManager step = manager.newSubManager()) {
      MultiHeadBilinearFusion fusion = fusion(step, 2, 2, 2);
      set(fusion, "w1_weight", 0.5f, -1f);
      set(fusion, "w1_bias", 0.25f);
      set(fusion, "w2_weight", 2f, 0f);
      set(fusion, "bilinear", 0.1f, -0.2f); // W_0 = [[0.1]], W_1 = [[-0.2]]
      NDArray o1 = step.create(new float[] {1f, 2f}, new Shape(1, 2));
      NDArray o2 = step.create(new float[] {3f, 4f}, new Shape(1, 2));
      // 0.5·1 - 1·2 + 0.25 + 2·3 + 0·4 + 1·0.1·3 + 2·(-0.2)·4 = 3.45
      float logit = BlockFixtures.forward(fusion, step, false, o1, o2).getFloat(0, 0);
      assertThat(logit).isCloseTo(3.45f, within(1e-5f));
    }
  }

  @Test
  void matchesTheFormulaPerSampleAndHead() {
    int batch = 3;
    int heads = 2;
    int width1 = 6;
    int width2 = 4;
    int h1 = width1 / heads;
    int h2 = width2 / heads;
    Random random = new Random(7);
    float[] w1 = floats(random, width1);
    float[] w2 = floats(random, width2);
    float bias = 0.3f;
    float[] w = floats(random, heads * h1 * h2);
    float[] o1 = floats(random, batch * width1);
    float[] o2 = floats(random, batch * width2);
    try (NDManager step = manager.newSubManager()) {
      MultiHeadBilinearFusion fusion = fusion(step, width1, width2, heads);
      set(fusion, "w1_weight", w1);
      set(fusion, "w1_bias", bias);
      set(fusion, "w2_weight", w2);
      set(fusion, "bilinear", w);
      float[] logits =
          BlockFixtures.forward(
                  fusion,
                  step,
                  false,
                  step.create(o1, new Shape(batch, width1)),
                  step.create(o2, new Shape(batch, width2)))
              .toFloatArray();
      for (int b = 0; b < batch; b++) {
        double expected = bias;
        for (int i = 0; i < width1; i++) {
          expected += w1[i] * o1[b * width1 + i];
        }
        for (int i = 0; i < width2; i++) {
          expected += w2[i] * o2[b * width2 + i];
        }
        for (int j = 0; j < heads; j++) {
          for (int p = 0; p < h1; p++) {
            for (int q = 0; q < h2; q++) {
              expected +=
                  o1[b * width1 + j * h1 + p]
                      * w[(j * h1 + p) * h2 + q]
                      * o2[b * width2 + j * h2 + q];
            }
          }
        }
        assertThat(logits[b]).as("sample " + b).isCloseTo((float) expected, within(1e-5f));
      }
    }
  }

  @Test
  void headsMustDivideBothStreamWidths() {
    assertThatThrownBy(
            () -> MultiHeadBilinearFusion.builder().setWidths(400, 100).setHeads(3).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "heads (3) must divide both stream widths, got stream 1 width 400 and stream 2 width"
                + " 100; valid head counts divide 100");
    CtrModelConfig frappeWith3Heads =
        CtrModelConfig.builder()
            .setModel("finalmlp")
            .setNumRows(100)
            .setNumFields(10)
            .setEmbeddingDim(10)
            .optMlp1Units(List.of(400))
            .optMlp2Units(List.of(100))
            .optBatchNorm(true)
            .optGateHiddenUnits(List.of(400))
            .optGate1ContextFields(List.of(0))
            .optGate2ContextFields(List.of(1))
            .optHeads(3)
            .build();
    assertThatThrownBy(() -> CtrModels.create(frappeWith3Heads))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("heads (3) must divide both stream widths");
  }

  private static MultiHeadBilinearFusion fusion(NDManager step, int w1, int w2, int heads) {
    MultiHeadBilinearFusion fusion =
        MultiHeadBilinearFusion.builder().setWidths(w1, w2).setHeads(heads).build();
    fusion.initialize(step, DataType.FLOAT32, new Shape(1, w1), new Shape(1, w2));
    return fusion;
  }

  private static void set(MultiHeadBilinearFusion fusion, String suffix, float... values) {
    List<Parameter> matches =
        fusion.getParameters().stream()
            .filter(p -> p.getKey().endsWith(suffix))
            .map(p -> p.getValue())
            .toList();
    assertThat(matches).as("parameter *" + suffix).hasSize(1);
    matches.get(0).getArray().set(values);
  }

  private static float[] floats(Random random, int n) {
    float[] values = new float[n];
    for (int i = 0; i < n; i++) {
      values[i] = (float) random.nextGaussian();
    }
    return values;
  }
}
