package org.ctrflow.connectors.replay;

import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Event;
import org.ctrflow.connectors.events.Impression;

/**
 * Keeps what a {@link DatasetReplay} publishes, in order, so a caller can send it later, in parts,
 * or plan around it (tests and benchmarks that must know the events before Kafka sees them).
 */
public final class RecordingPublisher implements EventPublisher {

  private final List<Event> events = new ArrayList<>();

  @Override
  public void publishImpression(Impression impression) {
    events.add(impression);
  }

  @Override
  public void publishClick(Click click) {
    events.add(click);
  }

  /** Impressions and clicks in publishing order. */
  public List<Event> events() {
    return List.copyOf(events);
  }

  /** Sends {@code events} (impressions and clicks) to {@code publisher}, then flushes it. */
  public static void replay(List<Event> events, EventPublisher publisher) {
    for (Event e : events) {
      if (e instanceof Impression i) {
        publisher.publishImpression(i);
      } else {
        publisher.publishClick((Click) e);
      }
    }
    publisher.flush();
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
