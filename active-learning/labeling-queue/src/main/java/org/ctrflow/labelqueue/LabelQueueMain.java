package org.ctrflow.labelqueue;

import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.ctrflow.labelqueue.bench.QueueBench;
import org.ctrflow.labelqueue.http.TokenAuth;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The labeling queue's own entry point (its container image runs it directly; {@code ctrflow
 * label-queue} runs it in a child JVM without Flink on the class path).
 */
@Command(
    name = "labeling-queue",
    mixinStandardHelpOptions = true,
    description = "The durable labeling queue service.",
    subcommands = {LabelQueueMain.Serve.class, QueueBench.class})
public final class LabelQueueMain implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The command line with every subcommand, the options of {@code serve} read from the keys. */
  public static CommandLine commandLine() {
    CommandLine cli = new CommandLine(new LabelQueueMain());
    cli.getSubcommands()
        .get("serve")
        .getCommandSpec()
        .addMixin("queue", QueueOptions.commandSpec());
    return cli;
  }

  /** Runs the service until the JVM is stopped. */
  @Command(
      name = "serve",
      mixinStandardHelpOptions = true,
      description = "Run the labeling queue service.")
  static final class Serve implements Callable<Integer> {

    @CommandLine.Spec CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      QueueOptions options;
      try {
        options = QueueOptions.from(spec);
      } catch (IllegalArgumentException e) {
        throw new CommandLine.ParameterException(spec.commandLine(), e.getMessage());
      }
      TokenAuth auth =
          options.tokensFile != null
              ? TokenAuth.fromFile(options.tokensFile)
              : TokenAuth.parse(
                  java.util.Objects.requireNonNullElse(System.getenv("CTRFLOW_QUEUE_TOKENS"), ""),
                  "env CTRFLOW_QUEUE_TOKENS");
      LabelQueueService service =
          new LabelQueueService(
              options,
              auth,
              LabelQueueService.secret(options.inboundSecretFile, "CTRFLOW_QUEUE_INBOUND_SECRET"),
              System.getenv("CTRFLOW_QUEUE_TLS_PASSWORD"));
      CountDownLatch stopped = new CountDownLatch(1);
      Runtime.getRuntime()
          .addShutdownHook(
              new Thread(
                  () -> {
                    try {
                      service.close();
                    } catch (Exception e) {
                      System.err.println("labeling queue: unclean shutdown: " + e);
                    }
                    stopped.countDown();
                  }));
      service.start();
      // Printed for supervisors and tests that start the service with --port 0.
      System.out.println("labeling-queue listening on port " + service.port());
      System.out.flush();
      stopped.await();
      return 0;
    }
  }
}
