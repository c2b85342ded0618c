package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BlockShapesTest {

  private static NDManager manager;

  @BeforeAll
  static void engine() {
    manager = NDManager.newBaseManager();
  }

  @AfterAll
  static void close() {
    manager.close();
  }

  @ParameterizedTest(name = "B={0} F={1} d={2}")
  @CsvSource({"2, 1, 1", "3, 4, 3", "16, 10, 10", "5, 39, 16"})
  void everyBlockHasItsDocumentedShapes(int batch, int fields, int dim) {
    long rows = 97;
    try (NDManager step = manager.newSubManager()) {
      NDArray x = BlockFixtures.indices(step, batch, fields, rows);

      FieldEmbedding embedding =
          FieldEmbedding.builder()
              .setNumRows(rows)
              .setNumFields(fields)
              .setEmbeddingDim(dim)
              .build();
      embedding.initialize(step, DataType.FLOAT32, x.getShape());
      NDArray e = BlockFixtures.forward(embedding, step, true, x);
      assertThat(e.getShape()).isEqualTo(new Shape(batch, (long) fields * dim));
      assertThat(embedding.getOutputShapes(new Shape[] {x.getShape()})[0]).isEqualTo(e.getShape());

      FeatureGate gate =
          FeatureGate.builder()
              .setNumFields(fields)
              .setEmbeddingDim(dim)
              .setHiddenUnits(List.of(7))
              .optContextFields(List.of(fields - 1))
              .build();
      gate.initialize(step, DataType.FLOAT32, e.getShape());
      assertThat(BlockFixtures.forward(gate, step, true, e).getShape()).isEqualTo(e.getShape());

      MlpStack mlp =
          MlpStack.builder()
              .setHiddenUnits(List.of(12, 6))
              .optBatchNorm(true)
              .optDropout(0.2f)
              .build();
      mlp.initialize(step, DataType.FLOAT32, e.getShape());
      NDArray o1 = BlockFixtures.forward(mlp, step, true, e);
      assertThat(o1.getShape()).isEqualTo(new Shape(batch, 6));
      assertThat(mlp.outputWidth()).isEqualTo(6);

      NDArray o2 = step.randomNormal(new Shape(batch, 9));
      MultiHeadBilinearFusion fusion =
          MultiHeadBilinearFusion.builder().setWidths(6, 9).setHeads(3).build();
      fusion.initialize(step, DataType.FLOAT32, o1.getShape(), o2.getShape());
      assertThat(BlockFixtures.forward(fusion, step, true, o1, o2).getShape())
          .isEqualTo(new Shape(batch, 1));

      for (String model : CtrModels.NAMES) {
        CtrModelBlock block = CtrModels.create(BlockFixtures.small(model, rows, fields, dim));
        block.initialize(step, DataType.FLOAT32, block.inputShape(batch));
        assertThat(BlockFixtures.forward(block, step, true, x).getShape())
            .as(model + " training logits")
            .isEqualTo(new Shape(batch, 1));
        NDArray p = block.predict(x);
        assertThat(p.getShape()).as(model).isEqualTo(new Shape(batch, 1));
        assertThat(block.predict(x.toType(DataType.INT32, false)).toFloatArray())
            .as(model + " reads int32 indices like int64")
            .containsExactly(p.toFloatArray());
      }
    }
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource({"finalmlp", "dualmlp", "dnn"})
  void predictReturnsProbabilitiesForASingleExample(String model) {
    try (NDManager step = manager.newSubManager()) {
      CtrModelBlock block = CtrModels.createInitialized(BlockFixtures.small(model, 50, 6, 4), step);
      float[] p = block.predict(BlockFixtures.indices(step, 1, 6, 50)).toFloatArray();
      assertThat(p).hasSize(1);
      assertThat(p[0]).isStrictlyBetween(0f, 1f);
    }
  }
}
