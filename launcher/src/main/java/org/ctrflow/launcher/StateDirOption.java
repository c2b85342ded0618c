package org.ctrflow.launcher;

import java.nio.file.Path;
import picocli.CommandLine.Option;

/** The {@code --state-dir} option of every command that runs or finds a background process. */
public final class StateDirOption {

  @Option(
      names = "--state-dir",
      paramLabel = "DIR",
      description =
          "Where background runtimes keep data, PID files and logs"
              + " (default: $CTRFLOW_STATE_DIR, else .ctrflow in the checkout).")
  private Path stateDir;

  /** The chosen directory, absolute. */
  public Path resolve() {
    return stateDir != null ? stateDir.toAbsolutePath() : StateDir.resolve();
  }
}
