package org.ctrflow.models.snapshot;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.util.BitSet;
import java.util.List;
import java.util.Optional;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.training.OnlineTrainer;

/**
 * Publishes a trainer's weights as the next model version: a full snapshot written to a {@link
 * ModelStore} and announced by one {@code SNAPSHOT} update, or a {@link ModelDelta} from the last
 * version split into {@code DELTA} chunks by {@link DeltaChunks}. Flink-free: the training job
 * sends the returned updates to the model-update topic, and any other trainer could too.
 *
 * <p>Which one: the first version and every {@code snapshotEvery}-th after it are snapshots, so a
 * server that starts late finds a recent one; so is a version whose delta would carry more than
 * half the row tables (then the snapshot is hardly larger). All others are deltas.
 *
 * <p>Versions: {@link PublisherState#lastVersion()} + 1, with the state checkpointed together with
 * the weights. A job restored from a checkpoint may already have stored snapshots past it (written
 * after the checkpoint, their announcements aborted with its Kafka transaction): {@link #resume}
 * continues above the store's highest version, so a version number never names two different files,
 * and the versions a consumer sees stay increasing. Aborted deltas reuse numbers, but a {@code
 * read_committed} consumer never saw them.
 *
 * <p>Call {@link #publish} from the training thread, between steps. Not thread-safe.
 */
public final class ModelPublisher {

  private final String modelName;
  private final FeatureSchema schema;
  private final ModelStore store;
  private final int snapshotEvery;
  private PublisherState state;

  /**
   * @param snapshotEvery every this many versions one is a full snapshot; 1 publishes only
   *     snapshots
   * @param state {@link PublisherState#INITIAL}, or {@link #resume}'s answer after a restore
   */
  public ModelPublisher(
      String modelName,
      FeatureSchema schema,
      ModelStore store,
      int snapshotEvery,
      PublisherState state) {
    if (snapshotEvery < 1) {
      throw new IllegalArgumentException(
          "snapshotEvery must be >= 1 (1: snapshots only), was " + snapshotEvery);
    }
    this.modelName = modelName;
    this.schema = schema;
    this.store = store;
    this.snapshotEvery = snapshotEvery;
    this.state = state;
  }

  /**
   * The state to publish from after a restore or a fresh start ({@link PublisherState#INITIAL}):
   * the given one, with its last version raised to the highest snapshot already in the store.
   * Raising it also forces the next version to be a snapshot: the consumers' current version may be
   * the stored one, which the checkpointed weights do not descend from.
   */
  public static PublisherState resume(
      PublisherState checkpointed, ModelStore store, String modelName) throws IOException {
    Optional<URI> latest = store.latest(modelName);
    if (latest.isEmpty()) {
      return checkpointed;
    }
    long stored = ModelSnapshot.info(store.get(latest.get())).version();
    if (stored <= checkpointed.lastVersion()) {
      return checkpointed;
    }
    return new PublisherState(stored, checkpointed.deltasSinceSnapshot(), true);
  }

  public PublisherState state() {
    return state;
  }

  /**
   * Captures the trainer's current weights as version {@code state().lastVersion() + 1} and clears
   * its touched rows.
   *
   * @return the updates to send, in order: one snapshot announcement or the delta's chunks
   * @throws IOException if the store cannot write the snapshot
   * @throws FileAlreadyExistsException if the store already holds this version (another writer)
   */
  public List<ModelUpdate> publish(OnlineTrainer trainer, long nowMillis) throws IOException {
    long version = state.lastVersion() + 1;
    ModelInfo info = new ModelInfo(modelName, version, nowMillis);
    BitSet touched = trainer.touchedRowsSinceClear();
    boolean snapshot =
        state.snapshotDue()
            || state.deltasSinceSnapshot() >= snapshotEvery - 1
            || touched.cardinality() > trainer.rowSpace() / 2;
    List<ModelUpdate> updates;
    if (snapshot) {
      byte[] bytes = ModelSnapshot.write(info, schema, trainer.block());
      URI location = store.put(modelName, version, bytes);
      updates =
          List.of(
              ModelUpdate.builder()
                  .setModelName(modelName)
                  .setVersion(version)
                  .setKind(ModelUpdate.Kind.SNAPSHOT)
                  .setSha256(Framing.sha256Hex(bytes))
                  .setSizeBytes(bytes.length)
                  .setPublishedAt(nowMillis)
                  .optLocation(location.toString())
                  .build());
      state = new PublisherState(version, 0, false);
    } else {
      ModelDelta delta = ModelDelta.capture(info, state.lastVersion(), trainer.block(), touched);
      updates = DeltaChunks.split(delta, nowMillis);
      state = new PublisherState(version, state.deltasSinceSnapshot() + 1, false);
    }
    trainer.clearTouched();
    return updates;
  }
}
