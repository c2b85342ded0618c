package org.ctrflow.launcher.kafka;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.ctrflow.connectors.kafka.BrokerProbe;
import org.ctrflow.connectors.kafka.KafkaBrokerConfig;
import org.ctrflow.launcher.StateDirOption;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code ctrflow kafka start|stop|status}: a single-node KRaft broker in the background. */
@Command(
    name = "kafka",
    mixinStandardHelpOptions = true,
    description = "Run a single-node Kafka broker (KRaft, no Docker) in the background.",
    subcommands = {KafkaCommand.Start.class, KafkaCommand.Stop.class, KafkaCommand.Status.class})
public final class KafkaCommand implements Runnable {

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  @Command(
      name = "start",
      mixinStandardHelpOptions = true,
      description = "Start the broker in a child JVM and wait until it answers.")
  static final class Start implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StateDirOption stateDir;

    @Option(
        names = "--port",
        defaultValue = "9092",
        description = "Client port (default ${DEFAULT-VALUE}).")
    int port;

    @Option(
        names = "--controller-port",
        defaultValue = "9093",
        description = "KRaft controller port (default ${DEFAULT-VALUE}).")
    int controllerPort;

    @Option(
        names = "--data-dir",
        paramLabel = "DIR",
        description = "Default: <state dir>/kafka/data.")
    Path dataDir;

    @Option(
        names = "--heap",
        defaultValue = "1g",
        description = "Broker heap, e.g. 512m (default ${DEFAULT-VALUE}).")
    String heap;

    @Option(names = "--fresh", description = "Delete the broker's data (all topics) first.")
    boolean fresh;

    @Override
    public Integer call() throws IOException {
      PrintWriter out = spec.commandLine().getOut();
      PrintWriter err = spec.commandLine().getErr();
      LocalKafka kafka = new LocalKafka(stateDir.resolve());
      Optional<ProcessHandle> live = kafka.running();
      if (live.isPresent()) {
        out.printf(
            "Kafka is already running (pid %d) at %s%n",
            live.get().pid(), kafka.bootstrapServers());
        return 0;
      }
      if (!heap.matches("[1-9][0-9]*[kKmMgG]")) {
        err.println("--heap must be a JVM memory size such as 512m or 2g; was '" + heap + "'");
        return 2;
      }
      KafkaBrokerConfig config;
      try {
        config =
            new KafkaBrokerConfig(
                port, controllerPort, dataDir != null ? dataDir : kafka.dataDir());
      } catch (IllegalArgumentException e) {
        err.println(e.getMessage());
        return 2;
      }
      for (int p : new int[] {port, controllerPort}) {
        if (!KafkaBrokerConfig.isPortFree(p)) {
          err.printf(
              "Port %d on %s is already in use by another process (no ctrflow broker is recorded"
                  + " in %s). Stop that process or choose free ports, e.g. --port 19092"
                  + " --controller-port 19093.%n",
              p, KafkaBrokerConfig.HOST, kafka.pidFile().path());
          return 1;
        }
      }
      long started = System.nanoTime();
      ProcessHandle broker;
      try {
        broker = kafka.start(config, heap, fresh);
      } catch (IOException e) {
        err.println(e.getMessage());
        return 1;
      }
      out.printf(
          "Kafka is running at %s (pid %d, ready in %.1f s)%n  data: %s%n  log:  %s%n",
          config.bootstrapServers(),
          broker.pid(),
          (System.nanoTime() - started) / 1e9,
          config.dataDir(),
          kafka.logFile());
      return 0;
    }
  }

  @Command(
      name = "stop",
      mixinStandardHelpOptions = true,
      description = "Stop the broker (SIGTERM, then SIGKILL after 30 s).")
  static final class Stop implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StateDirOption stateDir;

    @Override
    public Integer call() throws IOException {
      Optional<ProcessHandle> stopped = new LocalKafka(stateDir.resolve()).stop();
      PrintWriter out = spec.commandLine().getOut();
      if (stopped.isPresent()) {
        out.printf("Kafka stopped (pid %d)%n", stopped.get().pid());
      } else {
        out.println("Kafka is not running; nothing to stop");
      }
      return 0;
    }
  }

  @Command(
      name = "status",
      mixinStandardHelpOptions = true,
      description = "Whether the broker runs: exit code 0 if it does, 1 if not.")
  static final class Status implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;
    @Mixin StateDirOption stateDir;

    @Override
    public Integer call() throws IOException {
      LocalKafka kafka = new LocalKafka(stateDir.resolve());
      Optional<ProcessHandle> live = kafka.running();
      PrintWriter out = spec.commandLine().getOut();
      if (live.isEmpty()) {
        out.println("Kafka is not running");
        return 1;
      }
      String bootstrap = kafka.bootstrapServers();
      boolean answers = BrokerProbe.answers(bootstrap, Duration.ofSeconds(3));
      out.printf(
          "Kafka is running (pid %d) at %s%s%n",
          live.get().pid(), bootstrap, answers ? "" : ", but does not answer (yet)");
      return 0;
    }
  }
}
