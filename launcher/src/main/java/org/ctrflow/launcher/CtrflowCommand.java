package org.ctrflow.launcher;

import org.ctrflow.connectors.config.RenamedOptions;
import org.ctrflow.launcher.cluster.ClusterCommand;
import org.ctrflow.launcher.demo.DemoCommand;
import org.ctrflow.launcher.generate.GenerateCommand;
import org.ctrflow.launcher.kafka.KafkaCommand;
import org.ctrflow.launcher.kafka.TopicsCommand;
import org.ctrflow.launcher.labelqueue.LabelQueueCommand;
import org.ctrflow.launcher.models.BenchCommand;
import org.ctrflow.launcher.models.PrequentialCommand;
import org.ctrflow.launcher.models.TrainOfflineCommand;
import org.ctrflow.launcher.replay.ReplayCommand;
import org.ctrflow.launcher.schema.SchemaCommand;
import org.ctrflow.launcher.submit.StopCommand;
import org.ctrflow.launcher.submit.SubmitCommand;
import org.ctrflow.serving.ServeCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The {@code ctrflow} command: one entry point for every runtime and tool ctrflow ships. */
@Command(
    name = "ctrflow",
    mixinStandardHelpOptions = true,
    versionProvider = CtrflowCommand.Version.class,
    description = "Online CTR models learned from Kafka event streams on Apache Flink.",
    subcommands = {
      DemoCommand.class,
      KafkaCommand.class,
      TopicsCommand.class,
      ClusterCommand.class,
      SubmitCommand.class,
      StopCommand.class,
      ReplayCommand.class,
      GenerateCommand.class,
      SchemaCommand.class,
      TrainOfflineCommand.class,
      PrequentialCommand.class,
      BenchCommand.class,
      ServeCommand.class,
      LabelQueueCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CtrflowCommand implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    System.exit(run(commandLine(), args));
  }

  /**
   * Executes {@code args}, refusing first an option renamed when its unit moved into its value
   * (picocli would call it unknown without saying what replaced it).
   */
  public static int run(CommandLine cli, String... args) {
    try {
      RenamedOptions.check(args);
    } catch (IllegalArgumentException e) {
      cli.getErr().println(e.getMessage());
      return CommandLine.ExitCode.USAGE;
    }
    return cli.execute(args);
  }

  /** The configured command line; tests execute commands through it. */
  public static CommandLine commandLine() {
    return new CommandLine(new CtrflowCommand()).setCaseInsensitiveEnumValuesAllowed(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CtrflowCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ctrflow " + (v == null ? "(development build)" : v)};
    }
  }
}
