package org.ctrflow.launcher.demo;

import java.time.Duration;
import org.ctrflow.connectors.kafka.EmbeddedKafkaBroker;
import org.ctrflow.connectors.kafka.KafkaBrokerConfig;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.launcher.demo.StatusBoard.State;
import org.ctrflow.launcher.kafka.LocalKafka;

/**
 * The demo's broker: inside this JVM (default), or in cluster mode a JVM of its own as {@code
 * ctrflow kafka start} runs it, under the run directory, started again on the same ports and data
 * when it dies. Only a broker of its own can be frozen without freezing the demo.
 */
final class KafkaRuntime {

  private static final String HEAP = "768m";
  private static final Duration STOP_GRACE = Duration.ofSeconds(30);

  private KafkaRuntime() {}

  /** Starts the broker, registered on {@code stops}; returns its bootstrap servers. */
  static String start(
      boolean ownJvm, RunDirectory run, RestartingParts parts, StopList stops, StatusBoard board)
      throws Exception {
    if (!ownJvm) {
      EmbeddedKafkaBroker kafka =
          EmbeddedKafkaBroker.start(KafkaBrokerConfig.onFreePorts(run.sub("kafka")), false);
      stops.add("Kafka broker", kafka::close);
      board.component(DemoRun.BROKER, State.UP, kafka.bootstrapServers() + " (in this JVM)", null);
      return kafka.bootstrapServers();
    }
    LocalKafka local = new LocalKafka(run.path());
    KafkaBrokerConfig config = KafkaBrokerConfig.onFreePorts(local.dataDir());
    Supervised broker =
        parts.process(
            DemoRun.BROKER,
            local.start(config, HEAP, false),
            () -> local.start(config, HEAP, false),
            STOP_GRACE,
            () -> true,
            config.bootstrapServers() + " (own JVM)",
            null);
    stops.add("Kafka broker", () -> broker.close(STOP_GRACE.multipliedBy(2)));
    return config.bootstrapServers();
  }
}
