package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ctrflow.models.snapshot.SnapshotFixtures.FRAPPE;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.net.URI;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Ignored;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Outcome;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Pending;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Rejected;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Rejection;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Updated;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(120)
class ModelUpdateFollowerTest {

  /** 40,000 x 8 floats: a delta touching every row needs 3 chunks. */
  private static final int ROWS = 40_000;

  private static final List<FeatureRow> PROBE =
      List.of(
          new FeatureRow(Map.of("user", "3", "item", "1000", "daytime", "5040"), Map.of()),
          new FeatureRow(Map.of("user", "12", "item", "2000"), Map.of()),
          new FeatureRow(Map.of(), Map.of()));

  @TempDir Path dir;

  private NDManager manager;
  private CtrModelBlock trainer;
  private DirectoryModelStore store;
  private ModelUpdateFollower follower;
  private final List<Servable> owned = new ArrayList<>();
  private final Random random = new Random(11);

  @BeforeEach
  void setUp() {
    manager = NDManager.newBaseManager();
    trainer = SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", ROWS, 8), manager);
    store = new DirectoryModelStore(dir);
    follower = new ModelUpdateFollower("finalmlp", store);
  }

  @AfterEach
  void tearDown() {
    owned.forEach(Servable::close);
    manager.close();
  }

  @Test
  void loadsASnapshotThenAppliesAMultiChunkDeltaAndScoresLikeTheTrainer() throws Exception {
    Updated v1 = updated(follower.accept(snapshot(1)));
    assertThat(v1.source()).isEqualTo(ModelUpdate.Kind.SNAPSHOT);
    assertThat(v1.publishedAt()).isEqualTo(1_001L);
    double[] v1Scores = v1.servable().score(PROBE).probabilities();

    List<ModelUpdate> chunks = delta(1, 2, allRows());
    assertThat(chunks).hasSize(3);
    assertThat(follower.accept(chunks.get(0))).isEqualTo(new Pending(2, 1, 3));
    assertThat(follower.accept(chunks.get(2))).isEqualTo(new Pending(2, 2, 3));
    Updated v2 = updated(follower.accept(chunks.get(1)));

    assertThat(v2.info().version()).isEqualTo(2);
    assertThat(v2.source()).isEqualTo(ModelUpdate.Kind.DELTA);
    assertThat(follower.version()).isEqualTo(2);
    assertThat(follower.current()).containsSame(v2.servable());
    assertThat(v2.servable().score(PROBE).probabilities()).containsExactly(trainerScores());
    assertThat(v1.servable().score(PROBE).probabilities())
        .as("the follower never closes a servable it handed out")
        .containsExactly(v1Scores);
  }

  @Test
  void ignoresDuplicatesOlderVersionsAndOtherModels() throws Exception {
    ModelUpdate v1 = snapshot(1);
    updated(follower.accept(v1));
    List<ModelUpdate> chunks = delta(1, 2, allRows());
    follower.accept(chunks.get(0));

    assertThat(follower.accept(chunks.get(0)))
        .isEqualTo(new Ignored("duplicate chunk 0 of version 2"));
    chunks.subList(1, 3).forEach(follower::accept);
    assertThat(follower.version()).isEqualTo(2);
    assertThat(follower.accept(v1))
        .isEqualTo(new Ignored("version 1 is not newer than current version 2"));
    assertThat(follower.accept(chunks.get(1)))
        .isEqualTo(new Ignored("version 2 is not newer than current version 2"));
    ModelUpdate other =
        SnapshotAnnouncements.announcement(
            new ModelInfo("dnn", 9, 0), URI.create("file:///x"), new byte[1], 5);
    assertThat(follower.accept(other)).isEqualTo(new Ignored("update for model 'dnn'"));
    assertThat(follower.awaitingSnapshot()).isFalse();
  }

  @Test
  void aGapIsRejectedUntilANewerSnapshotArrives() throws Exception {
    updated(follower.accept(snapshot(1)));
    delta(1, 2, touchSome()); // published, but lost on the way
    List<ModelUpdate> v3 = delta(2, 3, touchSome());

    Rejected gap = rejected(follower.accept(v3.get(0)), Rejection.GAP);
    assertThat(gap.version()).isEqualTo(3);
    assertThat(gap.message())
        .isEqualTo(
            "delta version 3: delta to version 3 applies to version 2, but the model is at"
                + " version 1");
    assertThat(follower.version()).isEqualTo(1);
    assertThat(follower.awaitingSnapshot()).isTrue();

    Updated v4 = updated(follower.accept(snapshot(4)));
    assertThat(v4.info().version()).isEqualTo(4);
    assertThat(follower.awaitingSnapshot()).isFalse();
    assertThat(v4.servable().score(PROBE).probabilities()).containsExactly(trainerScores());
  }

  @Test
  void aDeltaBeforeAnyModelIsAGap() throws Exception {
    snapshot(1);
    Rejected r = rejected(follower.accept(delta(1, 2, touchSome()).get(0)), Rejection.GAP);
    assertThat(r.message()).isEqualTo("delta to version 2 arrived before any model");
    assertThat(follower.current()).isEmpty();
  }

  @Test
  void aCorruptChunkIsRejectedByChecksumAndTheLastGoodModelStays() throws Exception {
    Updated v1 = updated(follower.accept(snapshot(1)));
    List<ModelUpdate> chunks = new ArrayList<>(delta(1, 2, allRows()));
    chunks.set(1, flipped(chunks.get(1)));
    rejected(deliver(chunks), Rejection.CHECKSUM);

    assertThat(follower.current()).containsSame(v1.servable());
    assertThat(follower.awaitingSnapshot()).isTrue();
    Rejected r = rejected(follower.accept(delta(2, 3, touchSome()).get(0)), Rejection.GAP);
    assertThat(r.version()).isEqualTo(3);

    List<ModelUpdate> again = new ArrayList<>(delta(1, 2, allRows()));
    again.set(0, flipped(again.get(0)));
    assertThat(rejected(deliver(again), Rejection.CHECKSUM).message())
        .startsWith("delta version 2: checksum mismatch in reassembled delta");
  }

  @Test
  void aSnapshotThatDiffersFromItsAnnouncementIsRejected() throws Exception {
    ModelUpdate good = snapshot(1);
    ModelUpdate wrongSha =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(1)
            .setKind(ModelUpdate.Kind.SNAPSHOT)
            .setSha256("0".repeat(64))
            .setSizeBytes(good.sizeBytes())
            .setPublishedAt(good.publishedAt())
            .optLocation(good.location())
            .build();
    assertThat(rejected(follower.accept(wrongSha), Rejection.CHECKSUM).message())
        .contains("announced " + good.sizeBytes() + " bytes and " + "0".repeat(64));
    assertThat(follower.current()).isEmpty();
    assertThat(updated(follower.accept(good)).info().version()).isEqualTo(1);
  }

  @Test
  void aSnapshotHoldingAnotherVersionThanAnnouncedIsMalformed() throws Exception {
    ModelUpdate v1 = snapshot(1);
    byte[] bytes = store.get(URI.create(v1.location()));
    ModelUpdate claimsV7 =
        SnapshotAnnouncements.announcement(
            new ModelInfo("finalmlp", 7, 0), URI.create(v1.location()), bytes, 9);
    assertThat(rejected(follower.accept(claimsV7), Rejection.MALFORMED).message())
        .isEqualTo(
            "announced finalmlp v7 but the snapshot holds ModelInfo[modelName=finalmlp, version=1,"
                + " createdAtMillis=1001]");
  }

  @Test
  void anUnknownSnapshotFormatVersionIsRejected() throws Exception {
    ModelInfo info = new ModelInfo("finalmlp", 1, 0);
    byte[] future =
        SnapshotFixtures.resealed(
            SnapshotFixtures.withInt(ModelSnapshot.write(info, FRAPPE, trainer), 4, 99));
    ModelUpdate announced = SnapshotAnnouncements.publish(store, info, future, 3);
    assertThat(rejected(follower.accept(announced), Rejection.UNKNOWN_FORMAT).message())
        .contains("99");
  }

  @Test
  void aNonFiniteWeightInADeltaIsRejected() throws Exception {
    updated(follower.accept(snapshot(1)));
    ModelDelta delta = ModelDelta.capture(new ModelInfo("finalmlp", 2, 0), 1, trainer, touchSome());
    byte[] bytes = delta.toBytes();
    byte[] poisoned =
        SnapshotFixtures.resealed(SnapshotFixtures.withFloat(bytes, bytes.length - 36, Float.NaN));
    Outcome outcome = null;
    for (ModelUpdate c : DeltaChunks.split("finalmlp", 1, 2, poisoned, 5)) {
      outcome = follower.accept(c);
    }
    assertThat(rejected(outcome, Rejection.NON_FINITE).message()).contains("NaN");
    assertThat(follower.version()).isEqualTo(1);
  }

  @Test
  void aDeltaOfAnotherArchitectureIsAShapeMismatch() throws Exception {
    updated(follower.accept(snapshot(1)));
    try (NDManager other = manager.newSubManager()) {
      CtrModelBlock wider =
          SnapshotFixtures.trained(SnapshotFixtures.small("finalmlp", ROWS, 4), other);
      ModelDelta delta = ModelDelta.capture(new ModelInfo("finalmlp", 2, 0), 1, wider, touchSome());
      Outcome outcome = null;
      for (ModelUpdate c : DeltaChunks.split(delta, 5)) {
        outcome = follower.accept(c);
      }
      rejected(outcome, Rejection.SHAPE);
    }
    assertThat(follower.version()).isEqualTo(1);
  }

  @Test
  void aMissingSnapshotFileIsUnreadableAndResyncLoadsTheStoresLatest() throws Exception {
    ModelUpdate missing =
        SnapshotAnnouncements.announcement(
            new ModelInfo("finalmlp", 3, 0),
            dir.resolve("finalmlp/3.snapshot").toUri(),
            new byte[1],
            4);
    rejected(follower.accept(missing), Rejection.STORE_UNREADABLE);
    assertThat(follower.resync())
        .containsExactly(new Ignored("the model store holds no snapshot of 'finalmlp'"));

    snapshot(1);
    snapshot(5);
    List<Outcome> outcomes = follower.resync();
    assertThat(outcomes).hasSize(1);
    Updated resynced = updated(outcomes.get(0));
    assertThat(resynced.info().version()).isEqualTo(5);
    assertThat(resynced.publishedAt()).isEqualTo(1_005L);
    assertThat(follower.awaitingSnapshot()).isFalse();
    assertThat(follower.resync())
        .containsExactly(new Ignored("latest stored version 5 is not newer than 5"));
  }

  @Test
  void resyncFallsBackPastACorruptNewestSnapshotToTheNewestValidOne() throws Exception {
    snapshot(1);
    snapshot(4);
    snapshot(5);
    ModelInfo seven = new ModelInfo("finalmlp", 7, 1_007);
    byte[] bytes = ModelSnapshot.write(seven, FRAPPE, trainer);
    bytes[bytes.length / 2] ^= 0x04;
    URI sevenAt = store.put("finalmlp", 7, bytes);

    List<Outcome> outcomes = follower.resync();
    assertThat(outcomes).hasSize(2);
    Rejected corrupt = rejected(outcomes.get(0), Rejection.CHECKSUM);
    assertThat(corrupt.version()).isEqualTo(7);
    assertThat(corrupt.message()).startsWith("snapshot at " + sevenAt + ": checksum mismatch");
    assertThat(updated(outcomes.get(1)).info().version()).isEqualTo(5);
    assertThat(follower.version()).isEqualTo(5);
    assertThat(follower.awaitingSnapshot()).isFalse();

    // Nothing valid newer than the current version: the corrupt one is reported again, alone.
    assertThat(follower.resync()).singleElement().isInstanceOf(Rejected.class);
    assertThat(follower.version()).isEqualTo(5);
  }

  @Test
  void aStoredFileHoldingAnotherVersionThanItsNameIsMalformed() throws Exception {
    ModelInfo three = new ModelInfo("finalmlp", 3, 0);
    store.put("finalmlp", 9, ModelSnapshot.write(three, FRAPPE, trainer));
    assertThat(rejected(follower.resync().get(0), Rejection.MALFORMED).message())
        .endsWith("9.snapshot holds ModelInfo[modelName=finalmlp, version=3, createdAtMillis=0]");
    assertThat(follower.current()).isEmpty();
  }

  @Test
  void deltaChunksClaimingMoreThanTheFollowerHoldsAreRejectedAtTheFirst() throws Exception {
    updated(follower.accept(snapshot(1)));
    ModelUpdate billions =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(2)
            .setKind(ModelUpdate.Kind.DELTA)
            .setSha256("ab".repeat(32))
            .setSizeBytes((long) Integer.MAX_VALUE * ModelUpdate.MAX_CHUNK_BYTES)
            .setPublishedAt(5)
            .optBaseVersion(1)
            .optChunkCount(Integer.MAX_VALUE)
            .optPayload(new byte[ModelUpdate.MAX_CHUNK_BYTES])
            .build();
    assertThat(rejected(follower.accept(billions), Rejection.TOO_LARGE).message())
        .contains("more than the " + ModelUpdateFollower.DEFAULT_MAX_DELTA_BYTES);
    assertThat(follower.state().pendingChunks()).isEmpty();

    ModelUpdate miscounted =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(2)
            .setKind(ModelUpdate.Kind.DELTA)
            .setSha256("ab".repeat(32))
            .setSizeBytes(10)
            .setPublishedAt(5)
            .optBaseVersion(1)
            .optChunkCount(1_000)
            .optPayload(new byte[10])
            .build();
    assertThat(rejected(follower.accept(miscounted), Rejection.INCOMPLETE).message())
        .contains("a delta of 10 bytes comes in 1 chunks");
    ModelUpdate padded =
        ModelUpdate.builder()
            .setModelName("finalmlp")
            .setVersion(2)
            .setKind(ModelUpdate.Kind.DELTA)
            .setSha256("ab".repeat(32))
            .setSizeBytes(10)
            .setPublishedAt(5)
            .optBaseVersion(1)
            .optPayload(new byte[11])
            .build();
    assertThat(rejected(follower.accept(padded), Rejection.INCOMPLETE).message())
        .contains("carries 11 bytes");
    assertThat(follower.state().pendingChunks()).isEmpty();

    // A real three-chunk delta against a follower that holds less.
    ModelUpdateFollower small =
        new ModelUpdateFollower("finalmlp", store, null, ModelUpdate.MAX_CHUNK_BYTES);
    updated(small.accept(snapshot(3)));
    List<ModelUpdate> chunks = delta(3, 4, allRows());
    assertThat(chunks).hasSize(3);
    assertThat(small.accept(chunks.get(0))).isInstanceOf(Rejected.class);
    assertThat(((Rejected) small.accept(chunks.get(1))).reason()).isEqualTo(Rejection.TOO_LARGE);
    assertThat(small.state().pendingChunks()).isEmpty();
  }

  @Test
  void aNewerDeltaReplacesAnIncompleteOneWhoseLossIsThenAGap() throws Exception {
    updated(follower.accept(snapshot(1)));
    List<ModelUpdate> v2 = delta(1, 2, allRows());
    follower.accept(v2.get(0));
    List<ModelUpdate> v3 = delta(2, 3, touchSome());
    assertThat(rejected(follower.accept(v3.get(0)), Rejection.GAP).version()).isEqualTo(3);
    assertThat(follower.state().pendingChunks()).isEmpty();
  }

  @Test
  void stateRestoresTheModelAndAHalfAssembledDelta() throws Exception {
    updated(follower.accept(snapshot(1)));
    updated(deliver(delta(1, 2, touchSome())));
    List<ModelUpdate> v3 = delta(2, 3, allRows());
    follower.accept(v3.get(0));

    ModelUpdateFollower.State state = follower.state();
    assertThat(state.pendingChunks()).containsExactly(v3.get(0));
    ModelUpdateFollower restored =
        ModelUpdateFollower.restore("finalmlp", store, Device.cpu(), state);
    owned.add(restored.current().orElseThrow());
    assertThat(restored.current().orElseThrow().device()).isEqualTo(Device.cpu());
    assertThat(restored.version()).isEqualTo(2);
    assertThat(restored.awaitingSnapshot()).isFalse();

    restored.accept(v3.get(1));
    Updated v3Model = updated(restored.accept(v3.get(2)));
    assertThat(v3Model.info().version()).isEqualTo(3);
    assertThat(v3Model.servable().score(PROBE).probabilities()).containsExactly(trainerScores());
  }

  // ---- the trainer's side ----

  /** Stores and announces the trainer's current weights as {@code version}. */
  private ModelUpdate snapshot(long version) throws Exception {
    ModelInfo info = new ModelInfo("finalmlp", version, 1_000 + version);
    return SnapshotAnnouncements.publish(
        store, info, ModelSnapshot.write(info, FRAPPE, trainer), 1_000 + version);
  }

  /** Moves the trainer's weights (the given rows and every dense weight) and cuts the delta. */
  private List<ModelUpdate> delta(long base, long version, BitSet rows) throws Exception {
    perturb(rows);
    ModelDelta delta =
        ModelDelta.capture(
            new ModelInfo("finalmlp", version, 2_000 + version), base, trainer, rows);
    return DeltaChunks.split(delta, 2_000 + version);
  }

  private Outcome deliver(List<ModelUpdate> chunks) {
    Outcome last = null;
    for (ModelUpdate c : chunks) {
      last = follower.accept(c);
    }
    return last;
  }

  private void perturb(BitSet rows) throws SnapshotFormatException {
    int d = trainer.config().embeddingDim();
    Parameter table = trainer.embeddingTable();
    float[] values = table.getArray().toFloatArray();
    rows.stream().forEach(r -> values[r * d + random.nextInt(d)] += (float) random.nextGaussian());
    Tensors.set(table, "table", table.getArray().getShape(), values);
    for (Pair<String, Parameter> p : Tensors.parameters(trainer)) {
      if (p.getValue() != table) {
        NDArray array = p.getValue().getArray();
        float[] dense = array.toFloatArray();
        for (int i = 0; i < dense.length; i++) {
          dense[i] += 0.01f * (float) random.nextGaussian();
        }
        Tensors.set(p.getValue(), p.getKey(), array.getShape(), dense);
      }
    }
  }

  private double[] trainerScores() throws SnapshotFormatException {
    try (Servable copy =
        Servable.load(ModelSnapshot.write(new ModelInfo("finalmlp", 1, 0), FRAPPE, trainer))) {
      return copy.score(PROBE).probabilities();
    }
  }

  private static BitSet allRows() {
    BitSet rows = new BitSet();
    rows.set(0, ROWS);
    return rows;
  }

  private BitSet touchSome() {
    BitSet rows = new BitSet();
    for (int i = 0; i < 50; i++) {
      rows.set(random.nextInt(ROWS));
    }
    return rows;
  }

  private static ModelUpdate flipped(ModelUpdate c) {
    byte[] payload = c.payload();
    payload[payload.length / 2] ^= 0x10;
    return c.toBuilder().optPayload(payload).build();
  }

  private Updated updated(Outcome outcome) {
    assertThat(outcome).isInstanceOf(Updated.class);
    Updated u = (Updated) outcome;
    owned.add(u.servable());
    return u;
  }

  private static Rejected rejected(Outcome outcome, Rejection reason) {
    assertThat(outcome).isInstanceOf(Rejected.class);
    Rejected r = (Rejected) outcome;
    assertThat(r.reason()).as(r.message()).isEqualTo(reason);
    return r;
  }
}
