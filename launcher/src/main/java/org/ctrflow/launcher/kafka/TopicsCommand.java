package org.ctrflow.launcher.kafka;

import picocli.CommandLine.Command;

/** Placeholder: filled in by the work on this command. */
@Command(name = "topics", description = "(in progress)")
public final class TopicsCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("topics is not built yet");
  }
}
