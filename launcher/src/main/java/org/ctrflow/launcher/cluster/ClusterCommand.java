package org.ctrflow.launcher.cluster;

import picocli.CommandLine.Command;

/** Placeholder: filled in by the work on this command. */
@Command(name = "cluster", description = "(in progress)")
public final class ClusterCommand implements Runnable {
  @Override
  public void run() {
    throw new UnsupportedOperationException("cluster is not built yet");
  }
}
