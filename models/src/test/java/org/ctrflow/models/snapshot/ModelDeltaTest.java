package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.ctrflow.models.snapshot.SnapshotFixtures.FRAPPE;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.BitSet;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.snapshot.SnapshotFormatException.Reason;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class ModelDeltaTest {

  private static final ModelInfo V1 = new ModelInfo("finalmlp", 1, 1_000L);
  private static final ModelInfo V2 = new ModelInfo("finalmlp", 2, 2_000L);

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
  void aDeltaThroughChunksTurnsTheBaseIntoTheNewModelBitIdentically() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock trainer =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", 6000, 4), scope);
      ModelSnapshot.Loaded base =
          ModelSnapshot.read(ModelSnapshot.write(V1, FRAPPE, trainer), scope);
      float[] baseTable = base.block().embeddingTable().getArray().toFloatArray();
      BitSet touched = perturb(trainer, 6000, 40, new Random(7));

      ModelDelta delta =
          DeltaChunks.assemble(DeltaChunks.split(ModelDelta.capture(V2, 1, trainer, touched), 5L));
      CtrModelBlock next = delta.applyTo(base.info(), base.block(), scope);
      System.gc();

      assertThat(delta.info()).isEqualTo(V2);
      assertThat(delta.touchedRowCount()).isEqualTo(touched.cardinality());
      NDArray x = SnapshotFixtures.indices(scope, 64, 6000);
      assertThat(next.predict(x).toFloatArray()).containsExactly(trainer.predict(x).toFloatArray());
      assertThat(next.embeddingTable().getArray().toFloatArray())
          .containsExactly(trainer.embeddingTable().getArray().toFloatArray());
      float[] nextTable = next.embeddingTable().getArray().toFloatArray();
      for (int row = touched.nextClearBit(0); row < 6000; row = touched.nextClearBit(row + 1)) {
        for (int j = 0; j < 4; j++) {
          assertThat(nextTable[row * 4 + j]).isEqualTo(baseTable[row * 4 + j]);
        }
      }
      assertThat(base.block().embeddingTable().getArray().toFloatArray())
          .as("the base is only read")
          .containsExactly(baseTable);
    }
  }

  /**
   * A server applies deltas on its own thread, where PyTorch's thread-local grad mode is on: the
   * in-place copies into the new table must not trip autograd on its (leaf) parameters.
   */
  @Test
  void aDeltaAppliesOnAThreadOfItsOwn() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock trainer =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", 6000, 4), scope);
      ModelSnapshot.Loaded base =
          ModelSnapshot.read(ModelSnapshot.write(V1, FRAPPE, trainer), scope);
      ModelDelta delta =
          ModelDelta.capture(V2, 1, trainer, perturb(trainer, 6000, 40, new Random(7)));
      CompletableFuture<CtrModelBlock> next = new CompletableFuture<>();
      Thread applier =
          new Thread(
              () -> {
                try {
                  next.complete(delta.applyTo(base.info(), base.block(), scope));
                } catch (Exception | Error e) {
                  next.completeExceptionally(e);
                }
              });
      applier.start();
      applier.join();
      assertThat(next.get().embeddingTable().getArray().toFloatArray())
          .containsExactly(trainer.embeddingTable().getArray().toFloatArray());
    }
  }

  @Test
  void aDeltaOfAFewRowsIsMuchSmallerThanTheSnapshotOfALargeTable() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock trainer =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", 100_000, 16), scope);
      long start = System.nanoTime();
      byte[] snapshot = ModelSnapshot.write(V1, FRAPPE, trainer);
      long written = System.nanoTime();
      ModelSnapshot.Loaded base = ModelSnapshot.read(snapshot, scope);
      long loaded = System.nanoTime();
      BitSet touched = perturb(trainer, 100_000, 100, new Random(11));
      byte[] delta = ModelDelta.capture(V2, 1, trainer, touched).toBytes();
      long captured = System.nanoTime();
      CtrModelBlock next = ModelDelta.fromBytes(delta).applyTo(base.info(), base.block(), scope);
      long applied = System.nanoTime();
      System.out.printf(
          "100k x 16 table, %d touched rows: snapshot %,d bytes (write %.1f ms, load %.1f ms),"
              + " delta %,d bytes (capture+encode %.1f ms, parse+apply %.1f ms), ratio %.4f%n",
          touched.cardinality(),
          snapshot.length,
          (written - start) / 1e6,
          (loaded - written) / 1e6,
          delta.length,
          (captured - loaded) / 1e6,
          (applied - captured) / 1e6,
          (double) delta.length / snapshot.length);
      assertThat(delta.length).isLessThan(snapshot.length / 100);
      NDArray x = SnapshotFixtures.indices(scope, 32, 100_000);
      assertThat(next.predict(x).toFloatArray()).containsExactly(trainer.predict(x).toFloatArray());
    }
  }

  /** Prints sizes and times at the Criteo-sized configuration (2^20 x 16 table, wide MLPs). */
  @Test
  void criteoSizedSnapshotAndDelta() throws Exception {
    CtrModelConfig config = CtrModelConfig.criteoSized("finalmlp");
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock trainer = CtrModels.createInitialized(config, scope);
      long start = System.nanoTime();
      byte[] snapshot = ModelSnapshot.write(V1, FeatureSchemas.criteo(), trainer);
      long written = System.nanoTime();
      try (Servable base = Servable.load(snapshot)) {
        long loaded = System.nanoTime();
        BitSet touched = new BitSet();
        new Random(5).ints(1000, 0, 1 << 20).forEach(touched::set);
        List<ModelUpdate> chunks =
            DeltaChunks.split(ModelDelta.capture(V2, 1, trainer, touched), 1L);
        long captured = System.nanoTime();
        try (Servable next = base.applyDelta(DeltaChunks.assemble(chunks))) {
          long applied = System.nanoTime();
          long deltaBytes = chunks.get(0).sizeBytes();
          System.out.printf(
              "criteo-sized (2^20 x 16, %d touched rows): snapshot %,d bytes (write %.0f ms, load"
                  + " %.0f ms), delta %,d bytes in %d chunks (capture+split %.0f ms, assemble+apply"
                  + " %.0f ms)%n",
              touched.cardinality(),
              snapshot.length,
              (written - start) / 1e6,
              (loaded - written) / 1e6,
              deltaBytes,
              chunks.size(),
              (captured - loaded) / 1e6,
              (applied - captured) / 1e6);
          assertThat(next.info()).isEqualTo(V2);
          // The dense part (~2.1M floats: MLPs, gates, fusion) dominates at 1,000 rows.
          assertThat(deltaBytes).isLessThan(snapshot.length / 5);
        }
      }
    }
  }

  @Test
  void rejectsAVersionGapAnotherModelAndRowsOutsideTheTable() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock small =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", 6000, 4), scope);
      CtrModelBlock large =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", 8000, 4), scope);
      BitSet row7500 = new BitSet();
      row7500.set(7500);
      ModelDelta fromLarge = ModelDelta.capture(new ModelInfo("finalmlp", 5, 0), 4, large, row7500);

      assertRejected(fromLarge, new ModelInfo("finalmlp", 3, 0), small, Reason.VERSION_GAP)
          .hasMessage("delta to version 5 applies to version 4, but the model is at version 3");
      assertRejected(fromLarge, new ModelInfo("dnn", 4, 0), small, Reason.MODEL_MISMATCH)
          .hasMessage("delta is for model 'finalmlp', not 'dnn'");
      assertRejected(fromLarge, new ModelInfo("finalmlp", 4, 0), small, Reason.ROW_OUT_OF_RANGE)
          .hasMessage("delta row 7500 is out of range for '01embedding_embedding' with 6000 rows");
    }
  }

  @Test
  void rejectsDenseTensorsOfAnotherArchitecture() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelConfig config = SnapshotFixtures.small("finalmlp", 6000, 4);
      CtrModelBlock finalMlp = SnapshotFixtures.trained(config, scope);
      CtrModelBlock dualMlp = SnapshotFixtures.trained(config.withModel("dualmlp"), scope);
      ModelDelta delta = ModelDelta.capture(V2, 1, dualMlp, new BitSet());
      assertRejected(delta, V1, finalMlp, Reason.SHAPE_MISMATCH)
          .hasMessageStartingWith("expected ")
          .hasMessageContaining("gate");
    }
  }

  @Test
  void deltaBytesAreFramedAndCheckedLikeSnapshots() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock block = SnapshotFixtures.trained(SnapshotFixtures.small("dnn", 6000, 4), scope);
      BitSet rows = new BitSet();
      rows.set(3);
      byte[] bytes = ModelDelta.capture(V2, 1, block, rows).toBytes();
      assertThatThrownBy(() -> ModelDelta.fromBytes(SnapshotFixtures.withInt(bytes, 4, 9)))
          .hasMessage("unknown model delta format version 9; this build reads version 1 to 2");
      // The touched row's last value sits just before the digest.
      byte[] nan =
          SnapshotFixtures.resealed(
              SnapshotFixtures.withFloat(bytes, bytes.length - 36, Float.POSITIVE_INFINITY));
      assertThatThrownBy(() -> ModelDelta.fromBytes(nan))
          .isInstanceOfSatisfying(
              SnapshotFormatException.class,
              e -> assertThat(e.reason()).isEqualTo(Reason.NON_FINITE))
          .hasMessage(
              "non-finite weight in parameter '01embedding_embedding (delta rows)' at flat index 3:"
                  + " Infinity");
      assertThatThrownBy(() -> ModelDelta.capture(V2, 2, block, rows))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("baseVersion must be in [1, 2), was 2");
    }
  }

  /**
   * Models with wide terms (FinalMLP with all three kinds, FTRL, the factorization machine): the
   * delta carries the touched rows of every row table, and the served model it makes scores exactly
   * as the trainer does.
   */
  @ParameterizedTest
  @ValueSource(strings = {"finalmlp", "ftrl", "fm"})
  void aDeltaCarriesTheTouchedRowsOfEveryRowTable(String model) throws Exception {
    CtrModelConfig config =
        SnapshotFixtures.small(model, 6000, 4).toBuilder()
            .optOptions(
                model.equals("finalmlp")
                    ? java.util.Map.of(
                        "wide.linear", "true",
                        "wide.crosses", "all",
                        "wide.cross-rows", "5003",
                        "wide.factors", "3")
                    : java.util.Map.of("wide.cross-rows", "5003"))
            .build();
    ModelInfo v1 = new ModelInfo(model, 1, 1_000L);
    ModelInfo v2 = new ModelInfo(model, 2, 2_000L);
    try (NDManager scope = manager.newSubManager();
        OnlineTrainer trainer =
            new OnlineTrainer(config, TrainerConfig.builder().batchSize(64).seed(3).build())) {
      Random random = new Random(11);
      train(trainer, random, 2);
      ModelSnapshot.Loaded base =
          ModelSnapshot.read(ModelSnapshot.write(v1, FRAPPE, trainer.block()), scope);
      trainer.clearTouched();
      train(trainer, random, 2);
      BitSet touched = trainer.touchedRowsSinceClear();
      ModelDelta delta =
          ModelDelta.fromBytes(ModelDelta.capture(v2, 1, trainer.block(), touched).toBytes());
      CtrModelBlock next = delta.applyTo(base.info(), base.block(), scope);

      assertThat(delta.touchedRowCount()).isEqualTo(touched.cardinality());
      long firstWideRow = trainer.block().hasDeepPart() ? 6000 : 0;
      // Rows of the linear, cross and factor tables, after the embedding table's.
      assertThat(touched.nextSetBit((int) firstWideRow)).isNotNegative();
      long[] rows = new long[64 * 10];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.nextInt(5392);
      }
      NDArray x = scope.create(rows, new ai.djl.ndarray.types.Shape(64, 10));
      float[] expected = new float[64];
      double[] fromTrainer = trainer.predict(rows, 64);
      for (int i = 0; i < 64; i++) {
        expected[i] = (float) fromTrainer[i];
      }
      assertThat(next.predict(x).toFloatArray()).containsExactly(expected);
    }
  }

  /** Deltas written before the format had several row tables (version 1) still apply. */
  @Test
  void aVersion1DeltaStillApplies() throws Exception {
    try (NDManager scope = manager.newSubManager()) {
      CtrModelBlock trainer =
          SnapshotFixtures.trained(SnapshotFixtures.small("dnn", 6000, 4), scope);
      ModelSnapshot.Loaded base =
          ModelSnapshot.read(ModelSnapshot.write(V1, FRAPPE, trainer), scope);
      BitSet touched = perturb(trainer, 6000, 5, new Random(5));
      // Version 1's body: identity, dense tensors, then the one table's name, width, rows.
      List<Pair<String, Parameter>> parameters = Tensors.parameters(trainer);
      Parameter table = trainer.embeddingTable();
      int[] ids = touched.stream().toArray();
      float[] all = table.getArray().toFloatArray();
      float[] values = new float[ids.length * 4];
      for (int i = 0; i < ids.length; i++) {
        System.arraycopy(all, ids[i] * 4, values, i * 4, 4);
      }
      Framing.Writer out =
          new Framing.Writer(
                  ModelDelta.MAGIC, 1, 4L * (Tensors.floatCount(trainer)) + 4L * ids.length)
              .putString(V2.modelName())
              .putLong(1)
              .putLong(2)
              .putLong(V2.createdAtMillis())
              .putInt(parameters.size() - 1);
      for (Pair<String, Parameter> p : parameters) {
        if (p.getValue() != table) {
          Tensors.write(out, Tensors.of(p.getKey(), p.getValue().getArray()));
        }
      }
      byte[] v1 =
          out.putString(Tensors.nameOf(trainer, table))
              .putInt(4)
              .putInt(ids.length)
              .putInts(ids)
              .putFloats(values)
              .seal();
      CtrModelBlock next = ModelDelta.fromBytes(v1).applyTo(base.info(), base.block(), scope);
      NDArray x = SnapshotFixtures.indices(scope, 32, 6000);
      assertThat(next.predict(x).toFloatArray()).containsExactly(trainer.predict(x).toFloatArray());
    }
  }

  private static void train(OnlineTrainer trainer, Random random, int batches) {
    for (int b = 0; b < batches; b++) {
      long[] rows = new long[64 * 10];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = random.nextInt(5392);
      }
      float[] labels = new float[64];
      for (int i = 0; i < 64; i++) {
        labels[i] = random.nextBoolean() ? 1f : 0f;
      }
      trainer.scoreThenTrain(rows, 64, labels, null);
    }
  }

  /** Sets {@code count} random rows and every dense parameter to new values; returns the rows. */
  private static BitSet perturb(CtrModelBlock block, int rows, int count, Random random)
      throws SnapshotFormatException {
    int d = block.config().embeddingDim();
    Parameter table = block.embeddingTable();
    float[] values = table.getArray().toFloatArray();
    BitSet touched = new BitSet();
    while (touched.cardinality() < count) {
      int row = random.nextInt(rows);
      touched.set(row);
      for (int j = 0; j < d; j++) {
        values[row * d + j] = (float) random.nextGaussian();
      }
    }
    Tensors.set(table, "table", table.getArray().getShape(), values);
    for (Pair<String, Parameter> p : Tensors.parameters(block)) {
      if (p.getValue() != table) {
        float[] dense = p.getValue().getArray().toFloatArray();
        for (int i = 0; i < dense.length; i++) {
          dense[i] += 0.01f * (float) random.nextGaussian();
        }
        Tensors.set(p.getValue(), p.getKey(), p.getValue().getArray().getShape(), dense);
      }
    }
    return touched;
  }

  private static org.assertj.core.api.AbstractThrowableAssert<?, ? extends Throwable>
      assertRejected(ModelDelta delta, ModelInfo baseInfo, CtrModelBlock base, Reason reason) {
    return assertThatThrownBy(() -> delta.applyTo(baseInfo, base, manager))
        .isInstanceOfSatisfying(
            SnapshotFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
  }
}
