package org.ctrflow.launcher.kafka;

import java.io.IOException;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.admin.TopicDescription;
import org.ctrflow.connectors.kafka.BrokerProbe;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.kafka.TopicAdmin.Outcome;
import org.ctrflow.connectors.kafka.TopicAdmin.Result;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.connectors.topics.TopicSpec;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code ctrflow topics create|list}: ctrflow's topics on a Kafka cluster. */
@Command(
    name = "topics",
    mixinStandardHelpOptions = true,
    description = "Create or list ctrflow's topics.",
    subcommands = {TopicsCommand.Create.class, TopicsCommand.ListTopics.class})
public final class TopicsCommand implements Runnable {

  private static final String ROW = "%-36s %10s  %-8s  %s%n";

  @Spec CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    spec.commandLine().usage(spec.commandLine().getOut());
  }

  /** Options both subcommands take, and what both do before talking to Kafka. */
  abstract static class Target implements Callable<Integer> {
    @Spec CommandLine.Model.CommandSpec spec;

    @Option(
        names = "--bootstrap",
        paramLabel = "HOST:PORT",
        defaultValue = "${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
        description = "Kafka to talk to (default: $KAFKA_BOOTSTRAP, else 127.0.0.1:9092).")
    String bootstrap;

    @Option(
        names = "--topic-prefix",
        defaultValue = Topic.DEFAULT_PREFIX,
        description = "Topic names are <prefix>.<topic> (default ${DEFAULT-VALUE}).")
    String prefix;

    @Override
    public Integer call() {
      List<TopicSpec> specs;
      try {
        specs = Topic.specs(prefix);
      } catch (IllegalArgumentException e) {
        throw new ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      // An admin client would retry a dead address for its whole timeout, logging every try.
      if (!BrokerProbe.answers(bootstrap, Duration.ofSeconds(10))) {
        spec.commandLine()
            .getErr()
            .println(
                "No Kafka broker answers at "
                    + bootstrap
                    + ". Start one with 'ctrflow kafka start', or point --bootstrap (or env"
                    + " KAFKA_BOOTSTRAP) at a running one, e.g. --bootstrap 127.0.0.1:9092.");
        return 1;
      }
      try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
        return run(admin, specs, spec.commandLine().getOut(), spec.commandLine().getErr());
      } catch (IOException e) {
        spec.commandLine().getErr().println(e.getMessage());
        return 1;
      }
    }

    abstract int run(TopicAdmin admin, List<TopicSpec> specs, PrintWriter out, PrintWriter err)
        throws IOException;
  }

  @Command(
      name = "create",
      mixinStandardHelpOptions = true,
      description = "Create every ctrflow topic that is missing; safe to run again.")
  static final class Create extends Target {
    @Option(
        names = "--replication-factor",
        defaultValue = "1",
        description = "Replicas per partition (default ${DEFAULT-VALUE}, for a single broker).")
    short replicationFactor;

    @Override
    public Integer call() {
      if (replicationFactor < 1) {
        throw new ParameterException(
            spec.commandLine(),
            "--replication-factor must be at least 1 (1 for a single broker, 3 for production);"
                + " was "
                + replicationFactor);
      }
      return super.call();
    }

    @Override
    int run(TopicAdmin admin, List<TopicSpec> specs, PrintWriter out, PrintWriter err)
        throws IOException {
      List<Result> results = admin.createTopics(specs, replicationFactor);
      out.printf(ROW, "TOPIC", "PARTITIONS", "CLEANUP", "RESULT");
      for (Result r : results) {
        out.printf(ROW, r.spec().name(), r.partitions(), r.cleanupPolicy(), r.describeOutcome());
      }
      long narrow =
          results.stream()
              .filter(r -> r.outcome() == Outcome.EXISTED_WITH_FEWER_PARTITIONS)
              .count();
      if (narrow > 0) {
        err.println(
            narrow
                + " topic(s) have fewer partitions than declared (see RESULT); the pipeline's"
                + " parallelism and key placement assume the declared count.");
        return 1;
      }
      return 0;
    }
  }

  @Command(
      name = "list",
      mixinStandardHelpOptions = true,
      description = "List the topics under the prefix with their partitions and cleanup policy.")
  static final class ListTopics extends Target {
    @Override
    int run(TopicAdmin admin, List<TopicSpec> specs, PrintWriter out, PrintWriter err)
        throws IOException {
      List<String> declared = specs.stream().map(TopicSpec::name).toList();
      List<String> names =
          admin.listTopics().stream().filter(n -> n.startsWith(prefix + ".")).toList();
      Map<String, TopicDescription> descriptions = admin.describe(names);
      Map<String, Map<String, String>> configs = admin.configs(names);
      out.printf(ROW, "TOPIC", "PARTITIONS", "CLEANUP", "DECLARED");
      for (String name : names) {
        out.printf(
            ROW,
            name,
            descriptions.get(name).partitions().size(),
            configs.get(name).getOrDefault("cleanup.policy", "delete"),
            declared.contains(name) ? "yes" : "no");
      }
      return 0;
    }
  }
}
