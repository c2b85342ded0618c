package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requirePresent;
import static org.ctrflow.connectors.events.EventRules.requireText;

import java.util.Arrays;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A new model version from the training job. Topic {@code model-updates} (compacted).
 *
 * <p>A {@link Kind#SNAPSHOT} announces a full snapshot stored in the model store at {@link
 * #location()}. A {@link Kind#DELTA} carries the change from {@link #baseVersion()} to {@link
 * #version()} in {@link #payload()}, split into {@link #chunkCount()} chunks when larger than the
 * topic's message limit; {@link #sha256()} covers the whole snapshot file or the whole reassembled
 * delta.
 *
 * <p>Keys are chosen for compaction: a snapshot's key is the model name, so the topic always keeps
 * the latest announcement of every model; a delta chunk's key adds the chunk index, so the latest
 * delta survives compaction whole while older ones are compacted away (a server that starts late
 * loads the latest snapshot and ignores deltas with an older base).
 *
 * @param modelName the model, e.g. {@code finalmlp}
 * @param version the new version, &gt;= 1, increasing across restarts of the training job
 * @param kind snapshot announcement or delta
 * @param baseVersion for a delta, the version it applies to (&lt; version); 0 for a snapshot
 * @param location for a snapshot, its URI in the model store; {@code null} for a delta
 * @param sha256 hex SHA-256 of the snapshot file or of the whole delta
 * @param sizeBytes size of the snapshot file or of the whole delta
 * @param chunkIndex index of this chunk, 0-based (0 for a snapshot)
 * @param chunkCount number of chunks, &gt;= 1 (1 for a snapshot)
 * @param payload this chunk of the delta; {@code null} for a snapshot
 * @param publishedAt when the version was published, epoch milliseconds
 */
public record ModelUpdate(
    String modelName,
    long version,
    Kind kind,
    long baseVersion,
    String location,
    String sha256,
    long sizeBytes,
    int chunkIndex,
    int chunkCount,
    byte[] payload,
    long publishedAt)
    implements Event {

  /**
   * Largest delta chunk: base64 in JSON grows it by a third, and the envelope must still fit the
   * topic's {@link org.ctrflow.connectors.topics.Topic#MAX_MESSAGE_BYTES}.
   */
  public static final int MAX_CHUNK_BYTES = 512 * 1024;

  private static final Pattern SHA256 = Pattern.compile("[0-9a-f]{64}");

  /** What a model update carries. */
  public enum Kind {
    SNAPSHOT,
    DELTA
  }

  public ModelUpdate {
    requireText("modelName", modelName);
    if (version < 1) {
      throw new InvalidEventException("version", "must be >= 1, was " + version);
    }
    requirePresent("kind", kind);
    if (sha256 == null || !SHA256.matcher(sha256).matches()) {
      throw new InvalidEventException(
          "sha256", "must be 64 lowercase hex characters, was " + sha256);
    }
    if (sizeBytes < 0) {
      throw new InvalidEventException("sizeBytes", "must be >= 0, was " + sizeBytes);
    }
    requireEventTime("publishedAt", publishedAt);
    if (kind == Kind.SNAPSHOT) {
      requireText("location", location);
      if (payload != null) {
        throw new InvalidEventException("payload", "must be absent for a SNAPSHOT");
      }
      if (baseVersion != 0 || chunkIndex != 0 || chunkCount != 1) {
        throw new InvalidEventException(
            "chunkCount", "a SNAPSHOT has baseVersion 0, chunkIndex 0 and chunkCount 1");
      }
    } else {
      if (location != null) {
        throw new InvalidEventException("location", "must be absent for a DELTA");
      }
      requirePresent("payload", payload);
      if (payload.length > MAX_CHUNK_BYTES) {
        throw new InvalidEventException(
            "payload",
            "a chunk must be at most " + MAX_CHUNK_BYTES + " bytes, was " + payload.length);
      }
      if (baseVersion < 1 || baseVersion >= version) {
        throw new InvalidEventException(
            "baseVersion", "must be in [1, version), was " + baseVersion + " for " + version);
      }
      if (chunkCount < 1) {
        throw new InvalidEventException("chunkCount", "must be >= 1, was " + chunkCount);
      }
      if (chunkIndex < 0 || chunkIndex >= chunkCount) {
        throw new InvalidEventException(
            "chunkIndex", "must be in [0, " + chunkCount + "), was " + chunkIndex);
      }
      payload = payload.clone();
    }
  }

  /** A copy of this chunk's bytes, or {@code null} for a snapshot. */
  @Override
  public byte[] payload() {
    return payload == null ? null : payload.clone();
  }

  @Override
  public String key() {
    return kind == Kind.SNAPSHOT ? modelName : modelName + "/delta/" + chunkIndex;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ModelUpdate u
        && modelName.equals(u.modelName)
        && version == u.version
        && kind == u.kind
        && baseVersion == u.baseVersion
        && Objects.equals(location, u.location)
        && sha256.equals(u.sha256)
        && sizeBytes == u.sizeBytes
        && chunkIndex == u.chunkIndex
        && chunkCount == u.chunkCount
        && Arrays.equals(payload, u.payload)
        && publishedAt == u.publishedAt;
  }

  @Override
  public int hashCode() {
    return Objects.hash(modelName, version, kind, chunkIndex) * 31 + Arrays.hashCode(payload);
  }

  @Override
  public String toString() {
    return "ModelUpdate[%s v%d %s base=%d chunk=%d/%d size=%d%s]"
        .formatted(
            modelName,
            version,
            kind,
            baseVersion,
            chunkIndex + 1,
            chunkCount,
            sizeBytes,
            location == null ? "" : " at " + location);
  }
}
