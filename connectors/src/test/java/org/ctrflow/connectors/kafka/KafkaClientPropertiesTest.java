package org.ctrflow.connectors.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class KafkaClientPropertiesTest {

  @TempDir Path dir;

  @Test
  void loadsEverySettingOfTheFile() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        "# Strimzi TLS\nsecurity.protocol=SSL\nssl.truststore.type=PEM\n"
            + "ssl.keystore.location=/etc/ctrflow/kafka-user/user.p12\n");
    Properties p = KafkaClientProperties.load(file);
    assertThat(p)
        .hasSize(3)
        .containsEntry("security.protocol", "SSL")
        .containsEntry("ssl.truststore.type", "PEM")
        .containsEntry("ssl.keystore.location", "/etc/ctrflow/kafka-user/user.p12");
    assertThat(KafkaClientProperties.load(file.toString())).isEqualTo(p);
  }

  @Test
  void noFileMeansNoExtraSettings() {
    assertThat(KafkaClientProperties.load((String) null)).isEmpty();
    assertThat(KafkaClientProperties.load("")).isEmpty();
  }

  @Test
  void aMissingFileFailsNamingTheOptionAndTheFile() {
    Path missing = dir.resolve("nope.properties");
    assertThatThrownBy(() -> KafkaClientProperties.load(missing))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-properties")
        .hasMessageContaining(missing.toString());
    assertThatThrownBy(() -> KafkaClientProperties.load(dir))
        .hasMessageContaining("--kafka-properties")
        .hasMessageContaining("is not a file");
  }

  @Test
  void aMalformedFileFailsNamingTheOption() throws Exception {
    Path file = dir.resolve("bad.properties");
    Files.writeString(file, "ssl.key.password=\\u00zz\n");
    assertThatThrownBy(() -> KafkaClientProperties.load(file))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("--kafka-properties: cannot read " + file);
  }

  @Test
  void aCopyIsIndependent() {
    Properties client = new Properties();
    client.setProperty("security.protocol", "SSL");
    Properties copy = KafkaClientProperties.copy(client);
    copy.setProperty("group.id", "ctrflow-x");
    assertThat(client).doesNotContainKey("group.id");
    assertThat(copy).containsEntry("security.protocol", "SSL");
  }
}
