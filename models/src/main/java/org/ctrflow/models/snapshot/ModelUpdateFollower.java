package org.ctrflow.models.snapshot;

import ai.djl.Device;
import java.io.IOException;
import java.net.URI;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Objects;
import java.util.Optional;
import org.ctrflow.connectors.events.ModelUpdate;

/**
 * Follows one model's {@code model-updates} stream and keeps the latest good version: loads
 * announced snapshots from the {@link ModelStore}, reassembles delta chunks and applies deltas in
 * version order. Each event gets an {@link Outcome}; a bad version is {@link Rejected} and the last
 * good model stays current, so a caller never has to undo anything. After a rejection every later
 * delta needs the version that was lost, so the follower is {@link #awaitingSnapshot()} until a
 * newer snapshot is announced, or the caller calls {@link #resync()} to load the store's newest
 * valid one.
 *
 * <p>Ownership: the follower never closes a {@link Servable}. Each one it returns in {@link
 * Updated} belongs to the caller, who must keep the most recent one open while it may still be the
 * base of the next delta (until a newer {@link Updated}); older ones may be closed once drained.
 *
 * <p>Checkpointing (e.g. a Flink operator fed this stream as broadcast input): {@link #state()}
 * holds everything needed to continue after the stream position the checkpoint was taken at — the
 * current model as snapshot bytes (a delta-built version is in no store) and the chunks of a delta
 * still being assembled. {@link #restore} rebuilds an equal follower from it.
 *
 * <p>Not thread-safe: one thread feeds it (a consumer loop or an operator).
 */
public final class ModelUpdateFollower {

  /** Why a version was not taken; metric label values, so the set is small and stable. */
  public enum Rejection {
    /** A delta's base is not the current version (lost or rejected version, or no model yet). */
    GAP,
    /** Bytes differ from what was announced or sealed: checksum, size, truncation. */
    CHECKSUM,
    /** A delta's chunks are missing, inconsistent or replaced before completion. */
    INCOMPLETE,
    /** Tensors or rows that do not fit the model's architecture. */
    SHAPE,
    /** A NaN or infinite weight. */
    NON_FINITE,
    /** Not a snapshot/delta, or a format version this build does not read. */
    UNKNOWN_FORMAT,
    /** Identity or metadata that contradicts the announcement. */
    MALFORMED,
    /** The model store could not be read at the announced location. */
    STORE_UNREADABLE,
    /** A delta announced larger than this follower holds ({@link #DEFAULT_MAX_DELTA_BYTES}). */
    TOO_LARGE
  }

  /**
   * The largest delta a follower holds by default: 256 MiB, several times a Criteo-sized delta (the
   * publisher sends a snapshot instead once more than half the rows changed).
   */
  public static final int DEFAULT_MAX_DELTA_BYTES = 256 << 20;

  /** What one event did. */
  public sealed interface Outcome permits Updated, Pending, Ignored, Rejected {}

  /**
   * A new current version; the caller now owns {@code servable}.
   *
   * @param source SNAPSHOT (announced or by {@link #resync()}) or DELTA
   * @param publishedAt when the trainer published it, for refresh-lag metrics; for a resync, the
   *     version's creation time
   */
  public record Updated(Servable servable, ModelUpdate.Kind source, long publishedAt)
      implements Outcome {
    public ModelInfo info() {
      return servable.info();
    }
  }

  /** A delta chunk held until the rest of its delta arrives. */
  public record Pending(long version, int chunksHeld, int chunkCount) implements Outcome {}

  /** Nothing to do: a duplicate, an older version, another model's update. */
  public record Ignored(String why) implements Outcome {}

  /** A version that was not taken; the previous model stays current. */
  public record Rejected(Rejection reason, long version, String message) implements Outcome {}

  /**
   * What a checkpoint needs; see the class comment.
   *
   * @param model the current model as {@link ModelSnapshot} bytes, or null before the first one
   * @param pendingChunks chunks of the delta being assembled, in arrival order
   * @param awaitingSnapshot whether a version was rejected since the last good snapshot
   */
  public record State(byte[] model, List<ModelUpdate> pendingChunks, boolean awaitingSnapshot) {
    public State {
      pendingChunks = List.copyOf(pendingChunks);
    }
  }

  private final String modelName;
  private final ModelStore store;
  private final Device device;
  private final int maxDeltaBytes;
  private Servable current;
  private boolean awaitingSnapshot;
  private final List<ModelUpdate> pending = new ArrayList<>();

  /** A follower with no model yet; feed it a snapshot announcement or call {@link #resync()}. */
  public ModelUpdateFollower(String modelName, ModelStore store) {
    this(modelName, store, null);
  }

  /**
   * A follower that loads every version onto {@code device} (null: the engine's default, a GPU if
   * it sees one).
   */
  public ModelUpdateFollower(String modelName, ModelStore store, Device device) {
    this(modelName, store, device, DEFAULT_MAX_DELTA_BYTES);
  }

  /**
   * A follower that holds deltas of at most {@code maxDeltaBytes}: a larger one is {@link
   * Rejection#TOO_LARGE rejected} at its first chunk, so chunks that claim more are never held.
   */
  public ModelUpdateFollower(String modelName, ModelStore store, Device device, int maxDeltaBytes) {
    if (modelName == null || modelName.isBlank()) {
      throw new IllegalArgumentException("modelName must not be blank");
    }
    if (maxDeltaBytes < 1) {
      throw new IllegalArgumentException("maxDeltaBytes must be >= 1, was " + maxDeltaBytes);
    }
    this.modelName = modelName;
    this.store = Objects.requireNonNull(store, "store");
    this.device = device;
    this.maxDeltaBytes = maxDeltaBytes;
  }

  /**
   * A follower as {@link #state()} captured it; its current model (if any) is loaded anew and owned
   * by the caller like any other {@link Updated} servable.
   *
   * @throws SnapshotFormatException if the state's model bytes do not load or are another model's
   */
  public static ModelUpdateFollower restore(String modelName, ModelStore store, State state)
      throws SnapshotFormatException {
    return restore(modelName, store, null, state);
  }

  /** {@link #restore(String, ModelStore, State)} onto a device (null: the engine's default). */
  public static ModelUpdateFollower restore(
      String modelName, ModelStore store, Device device, State state)
      throws SnapshotFormatException {
    ModelUpdateFollower follower = new ModelUpdateFollower(modelName, store, device);
    if (state.model() != null) {
      Servable servable = Servable.load(state.model(), device);
      if (!servable.info().modelName().equals(modelName)) {
        servable.close();
        throw new SnapshotFormatException(
            SnapshotFormatException.Reason.MODEL_MISMATCH,
            "checkpointed model is '" + servable.info().modelName() + "', not '" + modelName + "'");
      }
      follower.current = servable;
    }
    follower.pending.addAll(state.pendingChunks());
    follower.awaitingSnapshot = state.awaitingSnapshot();
    return follower;
  }

  public String modelName() {
    return modelName;
  }

  /** The latest good version (the next delta's base), if one was loaded. */
  public Optional<Servable> current() {
    return Optional.ofNullable(current);
  }

  /** The current version, 0 before the first. */
  public long version() {
    return current == null ? 0 : current.info().version();
  }

  /** Whether a version was rejected and no newer snapshot has been loaded since. */
  public boolean awaitingSnapshot() {
    return awaitingSnapshot;
  }

  /** Snapshot of what a checkpoint must keep; serialises the current model (O(model size)). */
  public State state() {
    return new State(current == null ? null : current.toSnapshot(), pending, awaitingSnapshot);
  }

  /** Handles one event from the model-updates topic. */
  public Outcome accept(ModelUpdate update) {
    if (!update.modelName().equals(modelName)) {
      return new Ignored("update for model '" + update.modelName() + "'");
    }
    if (update.version() <= version()) {
      return new Ignored(
          "version " + update.version() + " is not newer than current version " + version());
    }
    return update.kind() == ModelUpdate.Kind.SNAPSHOT ? loadAnnounced(update) : addChunk(update);
  }

  /**
   * Loads the store's newest valid snapshot of this model that is newer than the current version:
   * the way back after a rejection, and the start-up path before the topic is read. A stored
   * version that does not load (corrupt, unreadable, another model's) is rejected and the next
   * older one tried, so one bad file does not keep the follower from the good ones beneath it.
   *
   * @return what happened to each version tried, newest first: the rejected ones, then the one
   *     loaded ({@link Updated}); or a single {@link Ignored} if no stored version is newer
   */
  public List<Outcome> resync() {
    NavigableMap<Long, URI> stored;
    try {
      stored = store.versions(modelName);
    } catch (IOException | RuntimeException e) {
      return List.of(reject(Rejection.STORE_UNREADABLE, 0, "cannot read the model store: " + e));
    }
    if (stored.isEmpty()) {
      return List.of(new Ignored("the model store holds no snapshot of '" + modelName + "'"));
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Map.Entry<Long, URI> e : stored.tailMap(version(), false).descendingMap().entrySet()) {
      Outcome outcome = loadStored(e.getKey(), e.getValue());
      outcomes.add(outcome);
      if (outcome instanceof Updated) {
        break;
      }
    }
    if (outcomes.isEmpty()) {
      outcomes.add(
          new Ignored(
              "latest stored version " + stored.lastKey() + " is not newer than " + version()));
    }
    return outcomes;
  }

  /** Loads the snapshot the store keeps as {@code version} at {@code location}. */
  private Outcome loadStored(long version, URI location) {
    Servable loaded;
    try {
      loaded = Servable.load(store.get(location), device);
    } catch (SnapshotFormatException e) {
      return reject(classify(e), version, "snapshot at " + location + ": " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      return reject(Rejection.STORE_UNREADABLE, version, "cannot read " + location + ": " + e);
    }
    ModelInfo info = loaded.info();
    if (!info.modelName().equals(modelName) || info.version() != version) {
      loaded.close();
      return reject(Rejection.MALFORMED, version, location + " holds " + info);
    }
    return install(loaded, ModelUpdate.Kind.SNAPSHOT, info.createdAtMillis());
  }

  private Outcome loadAnnounced(ModelUpdate announcement) {
    long version = announcement.version();
    byte[] bytes;
    try {
      bytes = store.get(URI.create(announcement.location()));
    } catch (IllegalArgumentException e) {
      return reject(Rejection.MALFORMED, version, "location: " + e.getMessage());
    } catch (IOException | RuntimeException e) {
      return reject(
          Rejection.STORE_UNREADABLE, version, "cannot read " + announcement.location() + ": " + e);
    }
    if (bytes.length != announcement.sizeBytes()
        || !Framing.sha256Hex(bytes).equals(announcement.sha256())) {
      return reject(
          Rejection.CHECKSUM,
          version,
          "snapshot at "
              + announcement.location()
              + " has "
              + bytes.length
              + " bytes and SHA-256 "
              + Framing.sha256Hex(bytes)
              + ", announced "
              + announcement.sizeBytes()
              + " bytes and "
              + announcement.sha256());
    }
    Servable loaded;
    try {
      loaded = Servable.load(bytes, device);
    } catch (SnapshotFormatException e) {
      return reject(classify(e), version, "snapshot version " + version + ": " + e.getMessage());
    }
    ModelInfo info = loaded.info();
    if (!info.modelName().equals(modelName) || info.version() != version) {
      loaded.close();
      return reject(
          Rejection.MALFORMED,
          version,
          "announced " + modelName + " v" + version + " but the snapshot holds " + info);
    }
    return install(loaded, ModelUpdate.Kind.SNAPSHOT, announcement.publishedAt());
  }

  private Outcome addChunk(ModelUpdate chunk) {
    try {
      DeltaChunks.check(chunk, maxDeltaBytes);
    } catch (SnapshotFormatException e) {
      return reject(
          classify(e), chunk.version(), "delta version " + chunk.version() + ": " + e.getMessage());
    }
    if (!pending.isEmpty() && !sameDelta(pending.get(0), chunk)) {
      // A newer delta (or a republished one) began before this one completed; if the abandoned
      // version was needed, the newer delta's base check reports the gap.
      pending.clear();
    }
    for (ModelUpdate held : pending) {
      if (held.chunkIndex() == chunk.chunkIndex()) {
        return new Ignored(
            "duplicate chunk " + chunk.chunkIndex() + " of version " + chunk.version());
      }
    }
    pending.add(chunk);
    if (pending.size() < chunk.chunkCount()) {
      return new Pending(chunk.version(), pending.size(), chunk.chunkCount());
    }
    List<ModelUpdate> chunks = List.copyOf(pending);
    pending.clear();
    return applyDelta(chunks);
  }

  private Outcome applyDelta(List<ModelUpdate> chunks) {
    ModelUpdate first = chunks.get(0);
    long version = first.version();
    ModelDelta delta;
    try {
      delta = DeltaChunks.assemble(chunks);
    } catch (SnapshotFormatException e) {
      return reject(classify(e), version, "delta version " + version + ": " + e.getMessage());
    }
    if (!delta.info().modelName().equals(modelName)
        || delta.info().version() != version
        || delta.baseVersion() != first.baseVersion()) {
      return reject(
          Rejection.MALFORMED,
          version,
          "announced delta "
              + first.baseVersion()
              + " -> "
              + version
              + " but it holds "
              + delta.info()
              + " from base "
              + delta.baseVersion());
    }
    if (current == null) {
      return reject(
          Rejection.GAP, version, "delta to version " + version + " arrived before any model");
    }
    try {
      return install(current.applyDelta(delta), ModelUpdate.Kind.DELTA, first.publishedAt());
    } catch (SnapshotFormatException e) {
      return reject(classify(e), version, "delta version " + version + ": " + e.getMessage());
    }
  }

  private Updated install(Servable next, ModelUpdate.Kind source, long publishedAt) {
    current = next;
    if (source == ModelUpdate.Kind.SNAPSHOT) {
      awaitingSnapshot = false;
    }
    pending.removeIf(c -> c.version() <= next.info().version());
    return new Updated(next, source, publishedAt);
  }

  private Rejected reject(Rejection reason, long version, String message) {
    awaitingSnapshot = true;
    return new Rejected(reason, version, message);
  }

  private static boolean sameDelta(ModelUpdate a, ModelUpdate b) {
    return a.version() == b.version()
        && a.baseVersion() == b.baseVersion()
        && a.chunkCount() == b.chunkCount()
        && a.sizeBytes() == b.sizeBytes()
        && a.sha256().equals(b.sha256());
  }

  static Rejection classify(SnapshotFormatException e) {
    return switch (e.reason()) {
      case VERSION_GAP -> Rejection.GAP;
      case CHECKSUM_MISMATCH, TRUNCATED -> Rejection.CHECKSUM;
      case MISSING_CHUNK, DUPLICATE_CHUNK, INCONSISTENT_CHUNKS -> Rejection.INCOMPLETE;
      case SHAPE_MISMATCH, ROW_OUT_OF_RANGE -> Rejection.SHAPE;
      case NON_FINITE -> Rejection.NON_FINITE;
      case BAD_MAGIC, UNKNOWN_VERSION -> Rejection.UNKNOWN_FORMAT;
      case BAD_METADATA, MODEL_MISMATCH -> Rejection.MALFORMED;
      case TOO_LARGE -> Rejection.TOO_LARGE;
    };
  }

  @Override
  public String toString() {
    return "ModelUpdateFollower[" + modelName + " v" + version() + pendingText() + "]";
  }

  private String pendingText() {
    return pending.isEmpty()
        ? ""
        : ", holding chunks "
            + Arrays.toString(pending.stream().mapToInt(ModelUpdate::chunkIndex).toArray())
            + " of v"
            + pending.get(0).version();
  }
}
