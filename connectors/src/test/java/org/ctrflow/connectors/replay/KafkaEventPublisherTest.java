package org.ctrflow.connectors.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.testing.Ports;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Without a broker: the end-to-end test against a real one comes with the broker runtime. */
class KafkaEventPublisherTest {

  @Test
  @Timeout(30)
  void anUnreachableBrokerFailsWithinTheTimeoutSayingHowToStartOne() throws IOException {
    int port = Ports.freeLoopbackPort();
    String bootstrap = "127.0.0.1:" + port;
    try (KafkaEventPublisher publisher =
        new KafkaEventPublisher(bootstrap, "test", Duration.ofSeconds(1))) {
      long start = System.nanoTime();
      assertThatThrownBy(
              () -> {
                publisher.publishImpression(
                    new Impression("i-1", 0, Map.of("user", "1"), Map.of()));
                publisher.flush();
              })
          .isInstanceOf(PublishException.class)
          .hasMessageContaining("no answer from Kafka at " + bootstrap + " within 1 s")
          .hasMessageContaining("ctrflow kafka start");
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void rejectsAnInvalidTopicPrefix() {
    assertThatThrownBy(() -> new KafkaEventPublisher("127.0.0.1:9092", "bad prefix"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("topic prefix");
  }
}
