package org.ctrflow.serving;

import picocli.CommandLine;

/**
 * The model server's own entry point, {@link ServeCommand} without the launcher: the model-server
 * image runs this on the model-serving module's class path, which holds no Flink (the launcher's
 * does, for {@code ctrflow submit} and the local cluster).
 */
public final class ServeMain {

  private ServeMain() {}

  public static void main(String[] args) {
    System.exit(new CommandLine(new ServeCommand()).execute(args));
  }
}
