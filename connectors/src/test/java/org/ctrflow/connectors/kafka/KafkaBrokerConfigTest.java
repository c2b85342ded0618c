package org.ctrflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(value = 30, unit = TimeUnit.SECONDS)
class KafkaBrokerConfigTest {

  @TempDir Path dir;

  @Test
  void writesASingleNodeLoopbackBrokerThatFlinkTransactionsFit() throws IOException {
    KafkaBrokerConfig config = new KafkaBrokerConfig(19092, 19093, dir.resolve("data"));
    Properties written = new Properties();
    try (Reader in = Files.newBufferedReader(config.writeServerProperties(dir.resolve("s.p")))) {
      written.load(in);
    }

    assertThat(written)
        .containsEntry("listeners", "PLAINTEXT://127.0.0.1:19092,CONTROLLER://127.0.0.1:19093")
        .containsEntry("controller.quorum.bootstrap.servers", "127.0.0.1:19093")
        .containsEntry("offsets.topic.replication.factor", "1")
        .containsEntry("transaction.state.log.min.isr", "1")
        .containsEntry("share.coordinator.state.topic.replication.factor", "1")
        .containsEntry("transaction.max.timeout.ms", "3600000")
        .containsEntry("log.dirs", dir.resolve("data").toString());
    assertThat(KafkaBrokerConfig.bootstrapServersOf(written)).isEqualTo("127.0.0.1:19092");
  }

  @Test
  void explainsInvalidPorts() {
    assertThatThrownBy(() -> new KafkaBrokerConfig(0, 9093, dir))
        .hasMessage("broker port must be between 1 and 65535, e.g. 9092; was 0");
    assertThatThrownBy(() -> new KafkaBrokerConfig(9092, 9092, dir))
        .hasMessageContaining("different ports");
  }

  @Test
  void deletesKafkaStorageButNeverAnUnrelatedDirectory() throws IOException {
    Path unrelated = Files.createDirectories(dir.resolve("home"));
    Files.writeString(unrelated.resolve("thesis.tex"), "precious");
    assertThatThrownBy(() -> new KafkaBrokerConfig(9092, 9093, unrelated).deleteDataDir())
        .hasMessageContaining("refusing to delete " + unrelated);
    assertThat(unrelated.resolve("thesis.tex")).exists();

    Path storage = Files.createDirectories(dir.resolve("kafka/__cluster_metadata-0"));
    Files.writeString(dir.resolve("kafka/meta.properties"), "node.id=1\n");
    new KafkaBrokerConfig(9092, 9093, dir.resolve("kafka")).deleteDataDir();
    assertThat(storage.getParent()).doesNotExist();
  }
}
