package org.ctrflow.launcher;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.ServiceLoader;
import org.ctrflow.connectors.config.RenamedOptions;
import org.ctrflow.launcher.cluster.ClusterCommand;
import org.ctrflow.launcher.demo.DemoCommand;
import org.ctrflow.launcher.generate.GenerateCommand;
import org.ctrflow.launcher.kafka.KafkaCommand;
import org.ctrflow.launcher.kafka.TopicsCommand;
import org.ctrflow.launcher.labelqueue.LabelQueueCommand;
import org.ctrflow.launcher.models.PrequentialCommand;
import org.ctrflow.launcher.models.TrainOfflineCommand;
import org.ctrflow.launcher.process.InheritedConsole;
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
      ServeCommand.class,
      LabelQueueCommand.class,
      CommandLine.HelpCommand.class
    })
public final class CtrflowCommand implements Runnable {

  /** The command the {@link ExtraCommand}s follow in the listing. */
  private static final String EXTRAS_AFTER = "prequential";

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(System.out);
  }

  public static void main(String[] args) {
    InheritedConsole.adopt();
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

  /**
   * The configured command line, with the {@link ExtraCommand}s found on the class path (the
   * benchmarks module's {@code bench}) listed after the model commands; tests execute commands
   * through it.
   */
  public static CommandLine commandLine() {
    CommandLine line = new CommandLine(new CtrflowCommand());
    List<ExtraCommand> extras = new ArrayList<>();
    ServiceLoader.load(ExtraCommand.class).forEach(extras::add);
    if (!extras.isEmpty()) {
      List<Map.Entry<String, CommandLine>> after = new ArrayList<>();
      boolean past = false;
      for (Map.Entry<String, CommandLine> e : line.getSubcommands().entrySet()) {
        if (past) {
          after.add(e);
        }
        past |= e.getKey().equals(EXTRAS_AFTER);
      }
      after.forEach(e -> line.getCommandSpec().removeSubcommand(e.getKey()));
      extras.forEach(line::addSubcommand);
      after.forEach(e -> line.addSubcommand(e.getKey(), e.getValue()));
    }
    return line.setCaseInsensitiveEnumValuesAllowed(true);
  }

  static final class Version implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      String v = CtrflowCommand.class.getPackage().getImplementationVersion();
      return new String[] {"ctrflow " + (v == null ? "(development build)" : v)};
    }
  }
}
