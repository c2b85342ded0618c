package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelWeightsCodecTest {

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"finalmlp", "dualmlp", "dnn"})
  void aLoadedModelPredictsExactlyLikeTheSavedOne(String model) throws IOException {
    CtrModelConfig config = Fixtures.small(model, 80, 6, 4);
    try (NDManager original = manager.newSubManager();
        NDManager loaded = manager.newSubManager();
        NDManager step = manager.newSubManager()) {
      CtrModelBlock block = CtrModels.createInitialized(config, original);
      // A training-mode pass moves the batch-norm running statistics away from 0 and 1.
      Fixtures.forward(block, step, true, Fixtures.indices(step, 32, 6, 80));
      NDArray x = Fixtures.indices(step, 20, 6, 80);
      NDArray expected = block.predict(x);

      CtrModelBlock copy = ModelWeightsCodec.read(new ByteArrayInputStream(save(block)), loaded);

      assertThat(copy.config()).isEqualTo(config);
      assertThat(copy).isInstanceOf(block.getClass());
      assertThat(copy.predict(x).toFloatArray()).containsExactly(expected.toFloatArray());
      CtrModelBlock fresh = CtrModels.createInitialized(config, loaded);
      assertThat(fresh.predict(x).toFloatArray())
          .as("a freshly initialised model differs, so the comparison above can fail")
          .isNotEqualTo(expected.toFloatArray());
    }
  }

  @Test
  void rejectsAnUnknownFormatVersionNamingBothVersions() throws IOException {
    try (NDManager scope = manager.newSubManager()) {
      byte[] bytes = save(CtrModels.createInitialized(Fixtures.small("dnn", 10, 2, 2), scope));
      ByteBuffer.wrap(bytes).putInt(4, 7);
      assertThatThrownBy(() -> ModelWeightsCodec.read(new ByteArrayInputStream(bytes), scope))
          .isInstanceOf(IOException.class)
          .hasMessage("unsupported model weights format version 7; this build reads version 1");
      ByteBuffer.wrap(bytes).putInt(0, 0x1234);
      assertThatThrownBy(() -> ModelWeightsCodec.read(new ByteArrayInputStream(bytes), scope))
          .isInstanceOf(IOException.class)
          .hasMessageContaining("not ctrflow model weights");
    }
  }

  @Test
  void rejectsAnUninitialisedModel() {
    CtrModelBlock block = CtrModels.create(Fixtures.small("dnn", 10, 2, 2));
    assertThatThrownBy(() -> ModelWeightsCodec.write(block, new ByteArrayOutputStream()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("uninitialised");
  }

  private static byte[] save(CtrModelBlock block) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ModelWeightsCodec.write(block, out);
    return out.toByteArray();
  }
}
