package org.ctrflow.connectors.kafka;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Properties;

/**
 * Extra Kafka client settings from a Java properties file: the {@code --kafka-properties FILE}
 * option of every Kafka-using component (jobs, model server, labeling queue). On Kubernetes the
 * file carries the TLS client settings of the component's Strimzi {@code KafkaUser}
 * (k8s/base/kafka/client-config.yaml). Components put these first into every producer, consumer,
 * admin client, source and sink they create, then their own settings (bootstrap servers, group and
 * transactional ids, isolation level), which the file therefore cannot override.
 */
public final class KafkaClientProperties {

  /** The command-line option, the same in every component. */
  public static final String OPTION = "--kafka-properties";

  /** Its description, the same in every component's help. */
  public static final String DESCRIPTION =
      "Java properties file of extra Kafka client settings (security.protocol, ssl.*, sasl.*)"
          + " for every Kafka client of this component; e.g. /etc/ctrflow/kafka/client.properties.";

  private KafkaClientProperties() {}

  /**
   * Reads {@code file}.
   *
   * @throws IllegalArgumentException naming the option and the file when it is missing, not a
   *     regular file, unreadable or not a properties file
   */
  public static Properties load(Path file) {
    if (!Files.isRegularFile(file)) {
      throw new IllegalArgumentException(
          OPTION
              + ": "
              + file
              + " is not a file; give a Java properties file, e.g. "
              + "security.protocol=SSL");
    }
    Properties properties = new Properties();
    try (Reader in = Files.newBufferedReader(file)) {
      properties.load(in);
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException(
          OPTION + ": cannot read " + file + " as a Java properties file (" + e + ")", e);
    }
    return properties;
  }

  /** {@link #load} for a path given as text; null or empty means no extra settings. */
  public static Properties load(String file) {
    return file == null || file.isEmpty() ? new Properties() : load(Path.of(file));
  }

  /** A copy of {@code client} for one client to add its own settings to. */
  public static Properties copy(Properties client) {
    Properties copy = new Properties();
    copy.putAll(client);
    return copy;
  }
}
