package org.ctrflow.launcher.submit;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.ctrflow.launcher.DurationConverter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow stop <jobId> [--savepoint-dir DIR]}: stops a job with a savepoint and prints where
 * it is, for {@code ctrflow submit --from-savepoint}.
 */
@Command(
    name = "stop",
    description =
        "Stop a Flink job with a savepoint (keeping pending state) and print the savepoint path.")
public final class StopCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Mixin JobManagerOption jobManager;

  @Parameters(index = "0", paramLabel = "<jobId>", description = "The job's id (32 hex digits).")
  String jobId;

  @Option(
      names = "--savepoint-dir",
      paramLabel = "<dir>",
      description =
          "Where to write the savepoint (a path or URI the cluster can write). Default: the"
              + " cluster's execution.checkpointing.savepoint-dir.")
  String savepointDir;

  @Option(
      names = "--timeout",
      defaultValue = "2min",
      converter = DurationConverter.class,
      description = "How long to wait for the savepoint. Default: ${DEFAULT-VALUE}.")
  Duration timeout;

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (!jobId.matches("[0-9a-f]{32}")) {
      throw new picocli.CommandLine.ParameterException(
          spec.commandLine(),
          "<jobId>: must be 32 hex digits as `ctrflow submit` printed it, e.g."
              + " 3f2a9c0d4b1e4f5a8c7d6e5f4a3b2c1d; was '"
              + jobId
              + "'");
    }
    String location = jobManager.client().stopWithSavepoint(jobId, savepointDir, timeout);
    var out = spec.commandLine().getOut();
    out.println("Stopped job " + jobId + " with savepoint " + location);
    out.println("Resume it with: ctrflow submit <job> --from-savepoint " + location + " ...");
    return 0;
  }
}
