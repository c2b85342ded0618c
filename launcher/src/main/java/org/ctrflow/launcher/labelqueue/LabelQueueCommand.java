package org.ctrflow.launcher.labelqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/**
 * {@code ctrflow label-queue [options]}: the labeling queue service, in its own JVM whose class
 * path is the queue module's alone (rocksdbjni never meets Flink). Options are the service's; see
 * {@code ctrflow label-queue --help}.
 */
@Command(
    name = "label-queue",
    description = "Run the labeling queue service (own JVM; options: ctrflow label-queue --help).",
    // The options belong to the service; they are passed through unparsed.
    mixinStandardHelpOptions = false)
public final class LabelQueueCommand implements Callable<Integer> {

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>();
    all.add("serve");
    all.addAll(args);
    return QueueJvm.run(all);
  }
}
