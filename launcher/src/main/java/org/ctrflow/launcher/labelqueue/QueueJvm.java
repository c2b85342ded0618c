package org.ctrflow.launcher.labelqueue;

import java.util.List;
import org.ctrflow.launcher.process.ChildJvm;

/** Runs the labeling queue's main class in a foreground child JVM and waits for it. */
final class QueueJvm {

  static final String MAIN_CLASS = "org.ctrflow.labelqueue.LabelQueueMain";

  private QueueJvm() {}

  /**
   * Runs {@code LabelQueueMain <args>}; the child's output is this process's; returns its exit
   * code.
   */
  static int run(List<String> args) throws Exception {
    List<String> command =
        ChildJvm.of(MAIN_CLASS)
            .classpath(QueueClasspath.of(QueueClasspath.home()))
            .args(args)
            .command();
    Process child = new ProcessBuilder(command).inheritIO().start();
    // Ctrl-C on the launcher stops the service gracefully (its shutdown hook closes RocksDB).
    Thread stop = new Thread(child::destroy);
    Runtime.getRuntime().addShutdownHook(stop);
    try {
      return child.waitFor();
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(stop);
      } catch (IllegalStateException shuttingDown) {
        // The hook is running already.
      }
    }
  }
}
