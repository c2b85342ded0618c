package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class FeatureGateTest {

  private static final int FIELDS = 4;
  private static final int DIM = 3;
  private static final long ROWS = 40;

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
  void contextGateScalesEmbeddingsIntoZeroToTwoAndReadsOnlyItsContextFields() {
    try (NDManager step = manager.newSubManager()) {
      FieldEmbedding embedding = embedding(step);
      FeatureGate gate = gate(step, List.of(1));
      NDArray x = BlockFixtures.indices(step, 6, FIELDS, ROWS);
      NDArray gateValues = gateValues(embedding, gate, step, x);
      assertStrictlyBetweenZeroAndTwo(gateValues);

      NDArray otherNonContext = x.duplicate();
      otherNonContext.set(new NDIndex(":, 2"), x.get(":, 2").add(1).mod(ROWS));
      assertThat(
              gateValues(embedding, gate, step, otherNonContext)
                  .allClose(gateValues, 1e-5, 1e-6, false))
          .as("changing a non-context field leaves the gate unchanged")
          .isTrue();

      NDArray otherContext = x.duplicate();
      otherContext.set(new NDIndex(":, 1"), x.get(":, 1").add(1).mod(ROWS));
      assertThat(
              gateValues(embedding, gate, step, otherContext)
                  .allClose(gateValues, 1e-5, 1e-6, false))
          .as("changing the context field changes the gate")
          .isFalse();
    }
  }

  @Test
  void biasGateIsTheSameForEveryExample() {
    try (NDManager step = manager.newSubManager()) {
      FieldEmbedding embedding = embedding(step);
      FeatureGate gate = gate(step, List.of());
      NDArray gateValues =
          gateValues(embedding, gate, step, BlockFixtures.indices(step, 5, FIELDS, ROWS));
      assertStrictlyBetweenZeroAndTwo(gateValues);
      NDArray firstRow = gateValues.get("0:1, :");
      assertThat(gateValues.sub(firstRow).abs().max().getFloat())
          .as("without context fields the gate depends on nothing but its parameters")
          .isLessThan(1e-5f);
      assertThat(gate.getParameters().keys()).anyMatch(k -> k.endsWith("context_bias"));
    }
  }

  @Test
  void rejectsContextFieldsOutsideTheFieldRange() {
    assertThatThrownBy(
            () ->
                FeatureGate.builder()
                    .setNumFields(FIELDS)
                    .setEmbeddingDim(DIM)
                    .setHiddenUnits(List.of(5))
                    .optContextFields(List.of(0, 4))
                    .build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("contextFields must be field indices in [0, 4), got [0, 4]");
  }

  private static void assertStrictlyBetweenZeroAndTwo(NDArray gateValues) {
    assertThat(gateValues.min().getFloat()).isGreaterThan(0f);
    assertThat(gateValues.max().getFloat()).isLessThan(2f);
  }

  /** The gate's factor 2·g, recovered as output / e (e is non-zero almost surely). */
  private static NDArray gateValues(
      FieldEmbedding embedding, FeatureGate gate, NDManager step, NDArray x) {
    NDArray e = BlockFixtures.forward(embedding, step, false, x);
    return BlockFixtures.forward(gate, step, false, e).div(e);
  }

  private static FieldEmbedding embedding(NDManager step) {
    FieldEmbedding embedding =
        FieldEmbedding.builder().setNumRows(ROWS).setNumFields(FIELDS).setEmbeddingDim(DIM).build();
    embedding.initialize(step, DataType.FLOAT32, new Shape(1, FIELDS));
    return embedding;
  }

  private static FeatureGate gate(NDManager step, List<Integer> contextFields) {
    FeatureGate gate =
        FeatureGate.builder()
            .setNumFields(FIELDS)
            .setEmbeddingDim(DIM)
            .setHiddenUnits(List.of(5))
            .optContextFields(contextFields)
            .build();
    gate.initialize(step, DataType.FLOAT32, new Shape(1, FIELDS * DIM));
    return gate;
  }
}
