package org.ctrflow.jobs.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.jobs.join.LabelJoinOptions;
import org.ctrflow.jobs.training.TrainingJobOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code --kafka-properties}: declared once, accepted by every job, read into client settings. */
@Timeout(10)
class JobOptionsTest {

  @TempDir Path dir;

  @Test
  void everyJobAcceptsKafkaPropertiesAndReadsTheFile() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(file, "security.protocol=SSL\n");
    Configuration join =
        JobArguments.parse(
            new String[] {"--bootstrap-servers", "h:1", "--kafka-properties", file.toString()},
            LabelJoinOptions.allOptions());
    assertThat(JobOptions.kafkaProperties(join)).containsEntry("security.protocol", "SSL");
    Configuration training =
        TrainingJobOptions.parse(
            new String[] {
              "--bootstrap-servers", "h:1", "--model-store", "/m", "--kafka-properties", "" + file
            });
    assertThat(JobOptions.kafkaProperties(training)).containsEntry("security.protocol", "SSL");
  }

  @Test
  void withoutTheOptionThereAreNoExtraSettings() {
    Configuration config =
        JobArguments.parse(new String[] {"--bootstrap-servers", "h:1"}, JobOptions.common());
    assertThat(JobOptions.kafkaProperties(config)).isEmpty();
  }

  @Test
  void aMissingFileFailsNamingTheOption() {
    Configuration config =
        JobArguments.parse(
            new String[] {"--bootstrap-servers", "h:1", "--kafka-properties", "/nope/client.props"},
            JobOptions.common());
    assertThatThrownBy(() -> JobOptions.kafkaProperties(config))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-properties")
        .hasMessageContaining("/nope/client.props");
  }
}
