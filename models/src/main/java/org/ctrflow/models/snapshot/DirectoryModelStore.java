package org.ctrflow.models.snapshot;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.NavigableMap;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A {@link ModelStore} on a (possibly shared) file system: {@code
 * <dir>/<model>/<version>.snapshot}. A snapshot is written to a hidden temporary file in the same
 * folder and then moved into place atomically, so a reader never sees a partial file. One writer
 * per model is assumed: the already-exists check and the move are not one atomic step.
 */
public final class DirectoryModelStore implements ModelStore {

  private static final Pattern MODEL_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final Pattern FILE_NAME = Pattern.compile("([0-9]{1,18})\\.snapshot");

  private final Path root;

  public DirectoryModelStore(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  @Override
  public URI put(String modelName, long version, byte[] snapshot) throws IOException {
    if (version < 1) {
      throw new IllegalArgumentException("version must be >= 1, was " + version);
    }
    Path folder = Files.createDirectories(modelFolder(modelName));
    Path target = folder.resolve(version + ".snapshot");
    if (Files.exists(target)) {
      throw new FileAlreadyExistsException(
          target.toString(), null, "model versions are immutable; publish a new version");
    }
    Path temp = Files.createTempFile(folder, ".incoming-", ".tmp");
    try {
      Files.write(temp, snapshot);
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(temp);
    }
    return target.toUri();
  }

  @Override
  public byte[] get(URI location) throws IOException {
    Path file = Path.of(location).toAbsolutePath().normalize();
    if (!file.startsWith(root)) {
      throw new IllegalArgumentException(location + " is not in the model store at " + root);
    }
    return Files.readAllBytes(file);
  }

  @Override
  public NavigableMap<Long, URI> versions(String modelName) throws IOException {
    NavigableMap<Long, URI> versions = new TreeMap<>();
    try (Stream<Path> files = Files.list(modelFolder(modelName))) {
      files.forEach(
          f -> {
            Matcher m = FILE_NAME.matcher(f.getFileName().toString());
            if (m.matches()) {
              versions.put(Long.parseLong(m.group(1)), f.toUri());
            }
          });
    } catch (NoSuchFileException e) {
      // no version of this model stored yet
    }
    return versions;
  }

  private Path modelFolder(String modelName) {
    if (modelName == null || !MODEL_NAME.matcher(modelName).matches()) {
      throw new IllegalArgumentException(
          "model name must match " + MODEL_NAME + " (it names a folder), was '" + modelName + "'");
    }
    return root.resolve(modelName);
  }
}
