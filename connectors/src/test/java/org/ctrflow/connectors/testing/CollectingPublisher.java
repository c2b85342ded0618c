package org.ctrflow.connectors.testing;

import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.replay.EventPublisher;

/** Keeps every published event in memory, in order: the engines' own seam, not a Kafka mock. */
public class CollectingPublisher implements EventPublisher {

  public final List<Impression> impressions = new ArrayList<>();
  public final List<Click> clicks = new ArrayList<>();
  public int flushes;
  public boolean closed;

  @Override
  public void publishImpression(Impression impression) {
    impressions.add(impression);
  }

  @Override
  public void publishClick(Click click) {
    clicks.add(click);
  }

  @Override
  public void flush() {
    flushes++;
  }

  @Override
  public void close() {
    closed = true;
  }
}
