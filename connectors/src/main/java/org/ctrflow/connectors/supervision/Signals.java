package org.ctrflow.connectors.supervision;

import java.io.IOException;
import java.util.concurrent.TimeUnit;

/**
 * Sends a POSIX signal to a process with {@code kill -<signal> <pid>}: {@code STOP} freezes it the
 * way a long GC pause, a frozen VM or a network partition does (its sockets stay open and nothing
 * answers), {@code CONT} thaws it. Linux and macOS only.
 */
public final class Signals {

  private Signals() {}

  /**
   * @param signal the signal's name without {@code SIG}, e.g. {@code STOP}
   * @throws IOException when {@code kill} fails, with its output
   */
  public static void send(long pid, String signal) throws IOException, InterruptedException {
    Process kill =
        new ProcessBuilder("kill", "-" + signal, Long.toString(pid))
            .redirectErrorStream(true)
            .start();
    if (!kill.waitFor(10, TimeUnit.SECONDS) || kill.exitValue() != 0) {
      throw new IOException(
          "kill -"
              + signal
              + " "
              + pid
              + " failed: "
              + new String(kill.getInputStream().readAllBytes()));
    }
  }
}
