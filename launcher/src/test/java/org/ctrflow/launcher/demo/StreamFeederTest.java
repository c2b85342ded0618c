package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.PublishException;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * When the feeder's publisher gives up (as Kafka's does once a broker stalled past its timeout),
 * the supervised feeder connects a new one and goes on with the synthetic stream where it was: no
 * impression is sent twice, none is skipped but the one the failed publisher refused.
 */
@Timeout(60)
class StreamFeederTest {

  /** Takes impressions until its limit, then refuses every event as Kafka's publisher would. */
  private static final class Recording implements EventPublisher {
    final List<String> ids = new CopyOnWriteArrayList<>();
    final int limit;

    Recording(int limit) {
      this.limit = limit;
    }

    @Override
    public void publishImpression(Impression impression) {
      if (ids.size() >= limit) {
        throw new PublishException("no answer from Kafka", null);
      }
      ids.add(impression.id());
    }

    @Override
    public void publishClick(Click click) {}

    @Override
    public void flush() {}

    @Override
    public void close() {}
  }

  @Test
  void aFailedPublisherIsReplacedAndTheStreamGoesOnWhereItWas() throws Exception {
    Queue<Recording> publishers =
        new ConcurrentLinkedQueue<>(List.of(new Recording(50), new Recording(Integer.MAX_VALUE)));
    List<Recording> used = new CopyOnWriteArrayList<>();
    TrackingPublisher feed = new TrackingPublisher(new GroundTruth(1_000), 1, i -> {});
    StreamFeeder feeder =
        new StreamFeeder(
            StreamFeeder.synthetic(
                GeneratorConfig.builder().seed(7).startTimeMillis(0).build(), 2_000),
            feed,
            () -> {
              Recording next = publishers.remove();
              used.add(next);
              return next;
            });
    List<String> restarts = new CopyOnWriteArrayList<>();
    try (Supervisor supervisor =
        new Supervisor(
            new Supervisor.Backoff(Duration.ofMillis(10), Duration.ofSeconds(1)), restarts::add)) {
      Supervised feeding = supervisor.start("feeder", feeder);
      await().until(() -> used.size() == 2 && used.get(1).ids.size() >= 100);
      assertThat(feeding.close(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(restarts).containsExactly("feeder");
    List<String> all = new ArrayList<>(used.get(0).ids);
    all.addAll(used.get(1).ids);
    assertThat(new HashSet<>(all)).as("no impression sent twice").hasSameSizeAs(all);
    assertThat(used.get(0).ids).hasSize(50);
    // The stream's 51st impression went to the failed publisher; the new one starts at the 52nd.
    assertThat(indexOf(used.get(1).ids.get(0))).isEqualTo(indexOf(used.get(0).ids.get(49)) + 2);
    assertThat(feed.impressions()).as("the count goes on").isEqualTo(all.size());
  }

  /** The stream position in a synthetic impression id, {@code gen-<seed>-<index>}. */
  private static long indexOf(String id) {
    return Long.parseLong(id.substring(id.lastIndexOf('-') + 1));
  }
}
