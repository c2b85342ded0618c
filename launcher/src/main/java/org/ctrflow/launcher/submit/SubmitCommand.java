package org.ctrflow.launcher.submit;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.ctrflow.launcher.cluster.FlinkRestClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Unmatched;

/**
 * {@code ctrflow submit <job> [--jobmanager URL] [--from-savepoint P] [job args]}: uploads the
 * shaded job jar through Flink's REST API and runs the job, printing its id and web UI page.
 */
@Command(
    name = "submit",
    description = {
      "Submit a Flink job (join, training or scoring) to a session cluster through its REST API.",
      "Options the command does not know go to the job, e.g. --bootstrap-servers 127.0.0.1:9092."
    })
public final class SubmitCommand implements Callable<Integer> {

  static final String JAR_GLOB = "ctrflow-flink-jobs-*-job.jar";

  @Spec CommandSpec spec;

  @Mixin JobManagerOption jobManager;

  @Parameters(
      index = "0",
      paramLabel = "<job>",
      description = "Which job: ${COMPLETION-CANDIDATES}.")
  FlinkJob job;

  @Option(
      names = "--from-savepoint",
      paramLabel = "<path>",
      description =
          "Restore the job's state from this savepoint (or retained checkpoint), e.g. the path"
              + " `ctrflow stop` printed. Every operator state in it must belong to the job.")
  String savepoint;

  @Option(
      names = "--jar",
      paramLabel = "<file>",
      description = "The job jar. Default: flink-jobs/target/" + JAR_GLOB + " of this checkout.")
  Path jar;

  @Option(
      names = "--parallelism",
      description = "Parallelism of the job. Default: ${DEFAULT-VALUE}.")
  int parallelism = 2;

  @Unmatched List<String> jobArgs = new ArrayList<>();

  @Override
  public Integer call() throws IOException, InterruptedException {
    if (parallelism < 1) {
      throw new ParameterException(
          spec.commandLine(), "--parallelism: must be >= 1, e.g. 2; was " + parallelism);
    }
    Path jobJar = jar != null ? jar : defaultJar();
    if (!Files.isRegularFile(jobJar)) {
      throw new ParameterException(
          spec.commandLine(),
          "--jar: no job jar at " + jobJar + "; build it with `" + BUILD_JOB_JAR + "`.");
    }
    FlinkRestClient rest = jobManager.client();
    String jarId = rest.uploadJar(jobJar);
    String jobId = rest.runJar(jarId, job.entryClass(), jobArgs, parallelism, savepoint);
    var out = spec.commandLine().getOut();
    out.println(
        "Submitted "
            + job.name().toLowerCase()
            + (savepoint == null ? "" : " from savepoint " + savepoint)
            + " as job "
            + jobId);
    out.println("Web UI: " + jobManager.webUi(jobId));
    out.println(
        "Stop it with a savepoint: ctrflow stop "
            + jobId
            + " --jobmanager "
            + jobManager.jobManager);
    return 0;
  }

  /** The command that builds the shaded job jar, for messages that find none. */
  public static final String BUILD_JOB_JAR = "./mvnw -pl flink-jobs -am package -DskipTests";

  /** The newest job jar under {@code flink-jobs/target} of the ctrflow checkout. */
  public static Path defaultJar() throws IOException {
    Path home = Path.of(System.getProperty("ctrflow.home", ".")).toAbsolutePath();
    Path target = home.resolve("flink-jobs/target");
    Path newest = target.resolve(JAR_GLOB.replace("*", "<version>"));
    if (!Files.isDirectory(target)) {
      return newest;
    }
    long newestTime = Long.MIN_VALUE;
    try (DirectoryStream<Path> jars = Files.newDirectoryStream(target, JAR_GLOB)) {
      for (Path candidate : jars) {
        long time = Files.getLastModifiedTime(candidate).toMillis();
        if (time > newestTime) {
          newest = candidate;
          newestTime = time;
        }
      }
    }
    return newest;
  }
}
