package org.ctrflow.connectors.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Finds the project's shared dataset folder (system property {@code ctrflow.shared.dir}, set by
 * surefire). Tests that need a file skip, saying which, when it is absent: the data is
 * research-only and never part of the repository.
 */
public final class SharedData {

  private SharedData() {}

  /** A file under {@code <shared>/datasets}, or a skipped test when it is not there. */
  public static Path dataset(String relativePath) {
    return file("datasets/" + relativePath);
  }

  /**
   * Any file under the shared folder (e.g. {@code k8s-schemas/...}), or a skipped test when it is
   * not there.
   */
  public static Path file(String relativePath) {
    String shared = System.getProperty("ctrflow.shared.dir");
    assumeTrue(shared != null, "system property ctrflow.shared.dir is not set; skipping");
    Path file = Path.of(shared, relativePath);
    assumeTrue(Files.isRegularFile(file), "shared file " + file + " is absent; skipping");
    return file;
  }
}
