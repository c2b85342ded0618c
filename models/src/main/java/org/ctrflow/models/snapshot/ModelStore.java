package org.ctrflow.models.snapshot;

import java.io.IOException;
import java.net.URI;
import java.util.NavigableMap;
import java.util.Optional;

/**
 * Where snapshots live between the trainer that writes them and the servers that load them; the
 * {@code ModelUpdate} SNAPSHOT announcement carries the location {@link #put} returns. Versions are
 * immutable: a location always names the same bytes.
 */
public interface ModelStore {

  /**
   * Stores a snapshot atomically: readers see all of it or nothing.
   *
   * @return its location, for {@link #get}
   * @throws java.nio.file.FileAlreadyExistsException (or the store's equivalent) if the version is
   *     already stored
   */
  URI put(String modelName, long version, byte[] snapshot) throws IOException;

  /** The bytes stored at a location {@link #put} returned. */
  byte[] get(URI location) throws IOException;

  /** The locations of every stored version of the model, by version. */
  NavigableMap<Long, URI> versions(String modelName) throws IOException;

  /** The location of the model's highest stored version, if any. */
  default Optional<URI> latest(String modelName) throws IOException {
    NavigableMap<Long, URI> versions = versions(modelName);
    return versions.isEmpty() ? Optional.empty() : Optional.of(versions.lastEntry().getValue());
  }
}
