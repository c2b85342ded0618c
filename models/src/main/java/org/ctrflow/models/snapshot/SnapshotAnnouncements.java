package org.ctrflow.models.snapshot;

import java.io.IOException;
import java.net.URI;
import org.ctrflow.connectors.events.ModelUpdate;

/**
 * The trainer's side of a full snapshot: store it, then announce where it is. Separate from the
 * store so every publisher announces the same way (size and SHA-256 of the stored bytes, which
 * {@link ModelUpdateFollower} checks before it loads them).
 */
public final class SnapshotAnnouncements {

  private SnapshotAnnouncements() {}

  /**
   * Puts {@code snapshot} into {@code store} under its own identity and returns the announcement to
   * publish on the model-updates topic.
   *
   * @param snapshot bytes from {@link ModelSnapshot#write} or {@link Servable#toSnapshot()}
   * @throws IOException if the store refuses them (e.g. the version exists already)
   */
  public static ModelUpdate publish(
      ModelStore store, ModelInfo info, byte[] snapshot, long publishedAt) throws IOException {
    URI location = store.put(info.modelName(), info.version(), snapshot);
    return announcement(info, location, snapshot, publishedAt);
  }

  /** The SNAPSHOT announcement of bytes already stored at {@code location}. */
  public static ModelUpdate announcement(
      ModelInfo info, URI location, byte[] snapshot, long publishedAt) {
    return ModelUpdate.builder()
        .setModelName(info.modelName())
        .setVersion(info.version())
        .setKind(ModelUpdate.Kind.SNAPSHOT)
        .setSha256(Framing.sha256Hex(snapshot))
        .setSizeBytes(snapshot.length)
        .setPublishedAt(publishedAt)
        .optLocation(location.toString())
        .build();
  }
}
