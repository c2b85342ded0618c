package org.ctrflow.launcher.testing;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.ctrflow.launcher.CtrflowCommand;

/** Runs {@code ctrflow} commands in the test JVM, capturing what they print. */
public final class CtrflowRun {

  private CtrflowRun() {}

  /** A command's exit code and its stdout and stderr together. */
  public record Result(int code, String output) {}

  /** {@code ctrflow args...} as {@code bin/ctrflow} would run it. */
  public static Result run(String... args) {
    StringWriter output = new StringWriter();
    try (PrintWriter writer = new PrintWriter(output, true)) {
      int code =
          CtrflowCommand.run(CtrflowCommand.commandLine().setOut(writer).setErr(writer), args);
      return new Result(code, output.toString());
    }
  }

  /**
   * {@code ctrflow cluster start} for a test: its state under {@code state}, REST on {@code
   * restPort}, RPC on {@code rpcPort}, 2 slots, and 150 s to start (builds sharing the machine can
   * slow start-up well past its usual 10-30 s).
   */
  public static Result startCluster(Path state, int restPort, int rpcPort) {
    return run(
        "cluster",
        "start",
        "--state-dir",
        state.toString(),
        "--rest-port",
        Integer.toString(restPort),
        "--rpc-port",
        Integer.toString(rpcPort),
        "--slots",
        "2",
        "--timeout",
        "150s");
  }
}
