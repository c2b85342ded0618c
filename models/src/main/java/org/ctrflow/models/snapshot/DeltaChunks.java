package org.ctrflow.models.snapshot;

import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.CHECKSUM_MISMATCH;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.DUPLICATE_CHUNK;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.INCONSISTENT_CHUNKS;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.MISSING_CHUNK;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.TOO_LARGE;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.TRUNCATED;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.stream.IntStream;
import org.ctrflow.connectors.events.ModelUpdate;

/**
 * Splits a delta into {@link ModelUpdate} chunks of at most {@link ModelUpdate#MAX_CHUNK_BYTES} and
 * puts them back together. Every chunk carries the SHA-256 and size of the whole delta, so the
 * reassembled bytes are checked before they are parsed.
 */
public final class DeltaChunks {

  private DeltaChunks() {}

  /** The delta's bytes as {@code DELTA} updates, chunk 0 first. */
  public static List<ModelUpdate> split(ModelDelta delta, long publishedAt) {
    return split(
        delta.info().modelName(),
        delta.baseVersion(),
        delta.info().version(),
        delta.toBytes(),
        publishedAt);
  }

  static List<ModelUpdate> split(
      String modelName, long baseVersion, long version, byte[] bytes, long publishedAt) {
    String sha256 = Framing.sha256Hex(bytes);
    int count = (int) chunkCount(bytes.length);
    List<ModelUpdate> chunks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int from = i * ModelUpdate.MAX_CHUNK_BYTES;
      byte[] payload =
          Arrays.copyOfRange(
              bytes, from, Math.min(bytes.length, from + ModelUpdate.MAX_CHUNK_BYTES));
      chunks.add(
          ModelUpdate.builder()
              .setModelName(modelName)
              .setVersion(version)
              .setKind(ModelUpdate.Kind.DELTA)
              .setSha256(sha256)
              .setSizeBytes(bytes.length)
              .setPublishedAt(publishedAt)
              .optBaseVersion(baseVersion)
              .optChunkIndex(i)
              .optChunkCount(count)
              .optPayload(payload)
              .build());
    }
    return chunks;
  }

  /** How many chunks {@link #split} cuts a delta of {@code sizeBytes} into. */
  private static long chunkCount(long sizeBytes) {
    return Math.max(1, (sizeBytes + ModelUpdate.MAX_CHUNK_BYTES - 1) / ModelUpdate.MAX_CHUNK_BYTES);
  }

  /**
   * Checks one chunk against what {@link #split} makes of the size it announces, before a reader
   * holds it: a delta over {@code maxBytes}, a chunk count other than that size needs, or a payload
   * of the wrong length for its index is refused at its first chunk. A reader that checks every
   * chunk so never holds more than {@code maxBytes} of one delta, whatever its chunks claim.
   *
   * @throws SnapshotFormatException TOO_LARGE or INCONSISTENT_CHUNKS, naming the figures
   */
  public static void check(ModelUpdate chunk, long maxBytes) throws SnapshotFormatException {
    long size = chunk.sizeBytes();
    if (size > maxBytes) {
      throw new SnapshotFormatException(
          TOO_LARGE,
          "delta of "
              + chunk
              + " announces "
              + size
              + " bytes, more than the "
              + maxBytes
              + " this reader holds");
    }
    long count = chunkCount(size);
    if (chunk.chunkCount() != count) {
      throw new SnapshotFormatException(
          INCONSISTENT_CHUNKS,
          "a delta of "
              + size
              + " bytes comes in "
              + count
              + " chunks, but "
              + chunk
              + " announces "
              + chunk.chunkCount());
    }
    long payload =
        chunk.chunkIndex() < count - 1
            ? ModelUpdate.MAX_CHUNK_BYTES
            : size - (count - 1) * ModelUpdate.MAX_CHUNK_BYTES;
    if (chunk.payload().length != payload) {
      throw new SnapshotFormatException(
          INCONSISTENT_CHUNKS,
          "chunk "
              + chunk
              + " carries "
              + chunk.payload().length
              + " bytes, its index in a delta of that size "
              + payload);
    }
  }

  /** {@link #reassemble} then {@link ModelDelta#fromBytes}. */
  public static ModelDelta assemble(Collection<ModelUpdate> chunks) throws SnapshotFormatException {
    return ModelDelta.fromBytes(reassemble(chunks));
  }

  /**
   * The delta's bytes from all of its chunks, in any order.
   *
   * @throws SnapshotFormatException if chunks are missing or repeated, belong to different deltas,
   *     or the whole does not match the announced size and SHA-256
   */
  public static byte[] reassemble(Collection<ModelUpdate> chunks) throws SnapshotFormatException {
    if (chunks.isEmpty()) {
      throw new SnapshotFormatException(MISSING_CHUNK, "no delta chunks to reassemble");
    }
    ModelUpdate first = chunks.iterator().next();
    ModelUpdate[] byIndex = new ModelUpdate[first.chunkCount()];
    for (ModelUpdate chunk : chunks) {
      if (chunk.kind() != ModelUpdate.Kind.DELTA || !sameDelta(first, chunk)) {
        throw new SnapshotFormatException(
            INCONSISTENT_CHUNKS, "chunk " + chunk + " does not belong to the delta of " + first);
      }
      if (byIndex[chunk.chunkIndex()] != null) {
        throw new SnapshotFormatException(
            DUPLICATE_CHUNK,
            "chunk "
                + chunk.chunkIndex()
                + " of "
                + first.chunkCount()
                + " appears twice in the delta of "
                + first);
      }
      byIndex[chunk.chunkIndex()] = chunk;
    }
    int[] missing = IntStream.range(0, byIndex.length).filter(i -> byIndex[i] == null).toArray();
    if (missing.length > 0) {
      throw new SnapshotFormatException(
          MISSING_CHUNK,
          "delta of "
              + first
              + " lacks chunks "
              + Arrays.toString(missing)
              + " of "
              + byIndex.length);
    }
    ByteArrayOutputStream whole = new ByteArrayOutputStream((int) first.sizeBytes());
    for (ModelUpdate chunk : byIndex) {
      whole.writeBytes(chunk.payload());
    }
    byte[] bytes = whole.toByteArray();
    if (bytes.length != first.sizeBytes()) {
      throw new SnapshotFormatException(
          TRUNCATED,
          "reassembled delta has " + bytes.length + " bytes, announced " + first.sizeBytes());
    }
    String sha256 = Framing.sha256Hex(bytes);
    if (!sha256.equals(first.sha256())) {
      throw new SnapshotFormatException(
          CHECKSUM_MISMATCH,
          "checksum mismatch in reassembled delta: SHA-256 is "
              + sha256
              + ", announced "
              + first.sha256());
    }
    return bytes;
  }

  private static boolean sameDelta(ModelUpdate a, ModelUpdate b) {
    return a.modelName().equals(b.modelName())
        && a.version() == b.version()
        && a.baseVersion() == b.baseVersion()
        && a.chunkCount() == b.chunkCount()
        && a.sizeBytes() == b.sizeBytes()
        && Objects.equals(a.sha256(), b.sha256());
  }
}
