package org.ctrflow.launcher;

import java.nio.file.Path;

/**
 * Where ctrflow keeps the state of what it runs in the background: broker data, Flink cluster
 * configuration, PID files and logs. {@code $CTRFLOW_STATE_DIR} when set, else {@code .ctrflow}
 * under the checkout ({@code bin/ctrflow} sets {@code ctrflow.home}), else under the working dir.
 */
public final class StateDir {

  private StateDir() {}

  public static Path resolve() {
    String fromEnv = System.getenv("CTRFLOW_STATE_DIR");
    if (fromEnv != null && !fromEnv.isBlank()) {
      return Path.of(fromEnv).toAbsolutePath();
    }
    String home = System.getProperty("ctrflow.home");
    Path base = home == null ? Path.of("") : Path.of(home);
    return base.resolve(".ctrflow").toAbsolutePath();
  }
}
