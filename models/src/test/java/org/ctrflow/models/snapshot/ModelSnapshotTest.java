package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ctrflow.models.snapshot.SnapshotFixtures.FRAPPE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchemaCodec;
import org.ctrflow.models.snapshot.SnapshotFormatException.Reason;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelSnapshotTest {

  private static final ModelInfo INFO = new ModelInfo("finalmlp", 3, 1_700_000_000_000L);

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
  void aLoadedSnapshotPredictsBitIdenticallyWithItsIdentityAndSchema(String model)
      throws Exception {
    CtrModelConfig config = SnapshotFixtures.small(model, 6000, 4);
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock block = SnapshotFixtures.trained(config, scope);
      assertThat(runningMeans(block)).as("batch norm statistics moved off 0").isNotEmpty();
      NDArray x = SnapshotFixtures.indices(scope, 50, 6000);
      float[] expected = block.predict(x).toFloatArray();

      ModelSnapshot.Loaded loaded =
          ModelSnapshot.read(ModelSnapshot.write(INFO, FRAPPE, block), scope);
      // Loaded tensors may sit over Java buffers; a GC must not free what the natives read.
      System.gc();

      assertThat(loaded.info()).isEqualTo(INFO);
      assertThat(FeatureSchemaCodec.toJson(loaded.schema()))
          .isEqualTo(FeatureSchemaCodec.toJson(FRAPPE));
      assertThat(loaded.block().config()).isEqualTo(config);
      assertThat(loaded.block().predict(x).toFloatArray()).containsExactly(expected);
      assertThat(runningMeans(loaded.block())).isEqualTo(runningMeans(block));
      assertThat(CtrModels.createInitialized(config, scope).predict(x).toFloatArray())
          .as("a fresh model differs, so the comparison above can fail")
          .isNotEqualTo(expected);
    }
  }

  @Test
  void rejectsBadMagicUnknownVersionAndTruncation() throws Exception {
    byte[] bytes = snapshot("dnn");
    assertRejected(SnapshotFixtures.withInt(bytes, 0, 0x12345678), Reason.BAD_MAGIC)
        .hasMessage("not a ctrflow model snapshot: magic 0x12345678, expected 0x43545253");
    assertRejected(SnapshotFixtures.withInt(bytes, 4, 2), Reason.UNKNOWN_VERSION)
        .hasMessage("unknown model snapshot format version 2; this build reads version 1");
    assertRejected(SnapshotFixtures.truncated(bytes, bytes.length - 10), Reason.TRUNCATED)
        .hasMessage(
            "truncated model snapshot: header says %d bytes, found %d",
            bytes.length, bytes.length - 10);
    assertRejected(SnapshotFixtures.truncated(bytes, 20), Reason.TRUNCATED)
        .hasMessage("truncated model snapshot: 20 bytes, less than the 48 of header and checksum");
  }

  @Test
  void rejectsAChecksumMismatch() throws Exception {
    byte[] bytes = snapshot("dnn");
    bytes[bytes.length / 2] ^= 1;
    assertRejected(bytes, Reason.CHECKSUM_MISMATCH)
        .hasMessageStartingWith("checksum mismatch in model snapshot: SHA-256 of the content is ")
        .hasMessageContaining(", recorded ");
  }

  @Test
  void rejectsTensorsWhoseShapeDiffersFromTheConfigNamingTheParameter() throws Exception {
    byte[] bytes = snapshot("dnn");
    byte[] wider = SnapshotFixtures.replaced(bytes, "\"numRows\":6000", "\"numRows\":7000");
    assertRejected(SnapshotFixtures.resealed(wider), Reason.SHAPE_MISMATCH)
        .hasMessage("parameter '01embedding_embedding': expected shape (7000, 4), found (6000, 4)");
  }

  @Test
  void rejectsANonFiniteWeightNamingTheParameterAndIndex() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock block = SnapshotFixtures.trained(SnapshotFixtures.small("dnn", 6000, 4), scope);
      byte[] bytes = ModelSnapshot.write(INFO, FRAPPE, block);
      List<Pair<String, Parameter>> parameters = Tensors.parameters(block);
      Pair<String, Parameter> last = parameters.get(parameters.size() - 1);
      // The last tensor's last float sits just before the digest.
      byte[] nan = SnapshotFixtures.withFloat(bytes, bytes.length - 36, Float.NaN);
      assertRejected(SnapshotFixtures.resealed(nan), Reason.NON_FINITE)
          .hasMessage(
              "non-finite weight in parameter '%s' at flat index %d: NaN",
              last.getKey(), last.getValue().getArray().size() - 1);
    }
  }

  @Test
  void rejectsASchemaThatDoesNotFitTheModel() {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock tooSmall =
          CtrModels.createInitialized(SnapshotFixtures.small("dnn", 100, 4), scope);
      assertThatThrownBy(() -> ModelSnapshot.write(INFO, FRAPPE, tooSmall))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage(
              "feature schema 'frappe' (10 fields, 5392 rows) does not fit the model config"
                  + " (10 fields, 100 rows)");
    }
  }

  private static byte[] snapshot(String model) {
    try (NDManager scope = manager.newSubManager()) {
      return ModelSnapshot.write(
          INFO, FRAPPE, CtrModels.createInitialized(SnapshotFixtures.small(model, 6000, 4), scope));
    }
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertRejected(byte[] bytes, Reason reason) {
    try (NDManager scope = manager.newSubManager()) {
      return assertThatThrownBy(() -> ModelSnapshot.read(bytes, scope))
          .isInstanceOfSatisfying(
              SnapshotFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }
  }

  /** All batch-norm running means, concatenated; empty if they are all still zero. */
  private static List<Float> runningMeans(CtrModelBlock block) {
    List<Float> values = new java.util.ArrayList<>();
    for (Pair<String, Parameter> p : Tensors.parameters(block)) {
      if (p.getValue().getType() == Parameter.Type.RUNNING_MEAN) {
        for (float v : p.getValue().getArray().toFloatArray()) {
          values.add(v);
        }
      }
    }
    return values.stream().allMatch(v -> v == 0f) ? List.of() : values;
  }
}
