package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code --kafka-properties}: parsed by picocli, read into the Kafka clients' settings. */
@Timeout(10)
class QueueOptionsTest {

  @TempDir Path dir;

  private QueueOptions parse(String... args) {
    CommandLine cli = LabelQueueMain.commandLine();
    String[] serve = new String[args.length + 1];
    serve[0] = "serve";
    System.arraycopy(args, 0, serve, 1, args.length);
    cli.parseArgs(serve);
    return QueueOptions.from(cli.getSubcommands().get("serve").getCommandSpec());
  }

  @Test
  void durationsAreReadInFlinksSyntaxAndIsoTextIsRefusedShowingIt() {
    QueueOptions options =
        parse("--bootstrap-servers", "h:1", "--data-dir", "d", "--lease-timeout", "90s");
    assertThat(options.leaseTimeout).isEqualTo(java.time.Duration.ofSeconds(90));
    assertThat(options.taskTtl).isEqualTo(java.time.Duration.ofDays(7));
    assertThatThrownBy(
            () -> parse("--bootstrap-servers", "h:1", "--data-dir", "d", "--task-ttl", "PT5M"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("task-ttl")
        .hasMessageContaining("write 5 min");
    assertThatThrownBy(
            () -> parse("--bootstrap-servers", "h:1", "--data-dir", "d", "--hook-timeout", "5"))
        .hasMessageContaining("has no unit");
  }

  @Test
  void aBadValueGivenOnTheCommandLineIsAUsageError() {
    java.io.StringWriter err = new java.io.StringWriter();
    CommandLine cli = LabelQueueMain.commandLine();
    cli.setErr(new java.io.PrintWriter(err));
    int code =
        cli.execute("serve", "--bootstrap-servers", "h:1", "--data-dir", "d", "--port", "70000");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("port must be an integer from 0 to 65535, was '70000'");
  }

  @Test
  void readsTheFileGivenAndNothingWithoutIt() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SSL\n");
    QueueOptions with =
        parse("--bootstrap-servers", "h:1", "--data-dir", "d", "--kafka-properties", "" + file);
    assertThat(with.kafkaProperties()).containsEntry("security.protocol", "SSL");
    assertThat(parse("--bootstrap-servers", "h:1", "--data-dir", "d").kafkaProperties()).isEmpty();
  }

  @Test
  void aMissingFileFailsNamingTheOption() {
    QueueOptions options =
        parse("--bootstrap-servers", "h:1", "--data-dir", "d", "--kafka-properties", "/nope/p");
    assertThatThrownBy(options::kafkaProperties)
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-properties")
        .hasMessageContaining("/nope/p");
  }
}
