package org.ctrflow.launcher.generate;

import picocli.CommandLine.Command;

/** Placeholder: filled in by the work on this command. */
@Command(name = "generate", description = "(in progress)")
public final class GenerateCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("generate is not built yet");
  }
}
