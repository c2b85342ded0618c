package org.ctrflow.launcher.labelqueue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Unmatched;

/** {@code ctrflow bench queue}: the labeling queue's load bench, in the queue's own JVM. */
@Command(
    name = "queue",
    description =
        "Tasks/s ingested and labels/s served by the labeling queue, p50/p99 latency (options: --tasks, --labels, --labelers, --bootstrap-servers).")
public final class QueueBenchCommand implements Callable<Integer> {

  @Unmatched List<String> args = new ArrayList<>();

  @Override
  public Integer call() throws Exception {
    List<String> all = new ArrayList<>();
    all.add("bench");
    all.addAll(args);
    return QueueJvm.run(all);
  }
}
