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
    QueueOptions options = new QueueOptions();
    new CommandLine(options).parseArgs(args);
    return options;
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
