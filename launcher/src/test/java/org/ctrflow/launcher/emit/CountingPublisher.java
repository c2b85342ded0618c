package org.ctrflow.launcher.emit;

import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.replay.EventPublisher;

/** Keeps what the commands publish, in memory. */
public final class CountingPublisher implements EventPublisher {

  public final List<Impression> impressions = new ArrayList<>();
  public final List<Click> clicks = new ArrayList<>();
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
  public void flush() {}

  @Override
  public void close() {
    closed = true;
  }
}
