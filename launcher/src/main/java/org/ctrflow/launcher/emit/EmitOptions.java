package org.ctrflow.launcher.emit;

import java.time.Duration;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.KafkaEventPublisher;
import org.ctrflow.launcher.DurationConverter;
import picocli.CommandLine.Option;

/** Where and how fast {@code replay} and {@code generate} send their events. */
public final class EmitOptions {

  @Option(
      names = "--topic-prefix",
      defaultValue = "ctrflow",
      description =
          "Topic prefix: events go to <prefix>.impressions and <prefix>.clicks (default: ${DEFAULT-VALUE}).")
  public String topicPrefix;

  @Option(
      names = "--bootstrap",
      defaultValue = "${env:KAFKA_BOOTSTRAP:-127.0.0.1:9092}",
      description = "Kafka bootstrap servers (default: $KAFKA_BOOTSTRAP or 127.0.0.1:9092).")
  public String bootstrap;

  @Option(
      names = "--rate",
      defaultValue = "0",
      converter = RateConverter.class,
      description = "Most impressions per second, e.g. 1000 or 1000/s (default: unlimited).")
  public double rate;

  @Option(
      names = "--kafka-timeout",
      defaultValue = "15s",
      converter = DurationConverter.class,
      description = "How long to wait for the broker before giving up (default: ${DEFAULT-VALUE}).")
  public Duration kafkaTimeout;

  /** A Kafka publisher for these options. */
  public EventPublisher kafkaPublisher() {
    return new KafkaEventPublisher(bootstrap, topicPrefix, kafkaTimeout);
  }
}
