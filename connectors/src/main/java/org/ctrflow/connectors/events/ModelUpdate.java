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

  /**
   * A builder: {@code setModelName}, {@code setVersion}, {@code setKind}, {@code setSha256}, {@code
   * setSizeBytes} and {@code setPublishedAt} are required; the {@code opt} values default to a
   * snapshot's (base version 0, no location, chunk 0 of 1, no payload).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this update's values. */
  public Builder toBuilder() {
    return new Builder()
        .setModelName(modelName)
        .setVersion(version)
        .setKind(kind)
        .setSha256(sha256)
        .setSizeBytes(sizeBytes)
        .setPublishedAt(publishedAt)
        .optBaseVersion(baseVersion)
        .optLocation(location)
        .optChunkIndex(chunkIndex)
        .optChunkCount(chunkCount)
        .optPayload(payload);
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

  /**
   * Collects a {@link ModelUpdate}'s values; {@link #build()} names a required value that was not
   * set, then validates them all as the constructor does.
   */
  public static final class Builder {
    private String modelName;
    private Long version;
    private Kind kind;
    private String sha256;
    private Long sizeBytes;
    private Long publishedAt;
    private long baseVersion;
    private String location;
    private int chunkIndex;
    private int chunkCount = 1;
    private byte[] payload;

    private Builder() {}

    /** Required: the model, e.g. {@code finalmlp}. */
    public Builder setModelName(String modelName) {
      this.modelName = modelName;
      return this;
    }

    /** Required: the new version, &gt;= 1. */
    public Builder setVersion(long version) {
      this.version = version;
      return this;
    }

    /** Required: snapshot announcement or delta. */
    public Builder setKind(Kind kind) {
      this.kind = kind;
      return this;
    }

    /** Required: hex SHA-256 of the snapshot file or of the whole delta. */
    public Builder setSha256(String sha256) {
      this.sha256 = sha256;
      return this;
    }

    /** Required: size of the snapshot file or of the whole delta. */
    public Builder setSizeBytes(long sizeBytes) {
      this.sizeBytes = sizeBytes;
      return this;
    }

    /** Required: when the version was published, epoch milliseconds. */
    public Builder setPublishedAt(long publishedAt) {
      this.publishedAt = publishedAt;
      return this;
    }

    /** For a delta, the version it applies to; default 0 (a snapshot's). */
    public Builder optBaseVersion(long baseVersion) {
      this.baseVersion = baseVersion;
      return this;
    }

    /** For a snapshot, its URI in the model store; default none (a delta's). */
    public Builder optLocation(String location) {
      this.location = location;
      return this;
    }

    /** This chunk's index; default 0. */
    public Builder optChunkIndex(int chunkIndex) {
      this.chunkIndex = chunkIndex;
      return this;
    }

    /** Number of chunks; default 1. */
    public Builder optChunkCount(int chunkCount) {
      this.chunkCount = chunkCount;
      return this;
    }

    /** This chunk of a delta; default none (a snapshot's). Not copied: the update copies it. */
    public Builder optPayload(byte[] payload) {
      this.payload = payload;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a required value was not set
     * @throws InvalidEventException when a value breaks the event's contract
     */
    public ModelUpdate build() {
      String missing =
          modelName == null
              ? "setModelName"
              : version == null
                  ? "setVersion"
                  : kind == null
                      ? "setKind"
                      : sha256 == null
                          ? "setSha256"
                          : sizeBytes == null
                              ? "setSizeBytes"
                              : publishedAt == null ? "setPublishedAt" : null;
      if (missing != null) {
        throw new IllegalArgumentException("ModelUpdate needs " + missing + "(...)");
      }
      return new ModelUpdate(
          modelName,
          version,
          kind,
          baseVersion,
          location,
          sha256,
          sizeBytes,
          chunkIndex,
          chunkCount,
          payload,
          publishedAt);
    }
  }
}
