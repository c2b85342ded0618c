package org.ctrflow.launcher.replay;

import picocli.CommandLine.Command;

/** Placeholder: filled in by the work on this command. */
@Command(name = "replay", description = "(in progress)")
public final class ReplayCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("replay is not built yet");
  }
}
