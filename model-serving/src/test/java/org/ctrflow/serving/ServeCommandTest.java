package org.ctrflow.serving;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The command's option handling, before any server starts. */
@Timeout(10)
class ServeCommandTest {

  @Test
  void aMissingKafkaPropertiesFileIsAUsageErrorNamingTheOption() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.setErr(new PrintWriter(err));
    int code =
        cli.execute("--bootstrap-servers", "127.0.0.1:1", "--kafka-properties", "/nope/c.props");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString()).contains("--kafka-properties").contains("/nope/c.props");
  }

  @Test
  void kafkaPropertiesIsASettingToo() {
    assertThat(ServingConfig.describe()).contains("kafka-properties");
    assertThat(
            ServingConfig.of(java.util.Map.of("kafka-properties", "/etc/k.properties"))
                .get(ServingConfig.KAFKA_PROPERTIES))
        .isEqualTo("/etc/k.properties");
  }

  @Test
  void anOldSettingNameOrAnIsoDurationIsAUsageErrorShowingTheNewForm() {
    StringWriter err = new StringWriter();
    CommandLine cli = new CommandLine(new ServeCommand());
    cli.setErr(new PrintWriter(err));
    assertThat(cli.execute("--set", "refresh-poll-ms=50")).isEqualTo(2);
    assertThat(err.toString())
        .contains("refresh-poll-ms was replaced by refresh-poll; write refresh-poll=50ms");
    assertThat(cli.execute("--set", "refresh-poll=PT1S")).isEqualTo(2);
    assertThat(err.toString()).contains("write 1 s");
    assertThat(
            ServingConfig.of(java.util.Map.of("refresh-poll", "20ms"))
                .get(ServingConfig.REFRESH_POLL))
        .isEqualTo(java.time.Duration.ofMillis(20));
  }
}
