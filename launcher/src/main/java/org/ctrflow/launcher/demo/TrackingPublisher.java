package org.ctrflow.launcher.demo;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.replay.EventPublisher;

/**
 * Wraps the publisher the generator or the replay writes to: remembers each impression's outcome
 * for the simulated labeler, counts events for the status line, and hands every {@code
 * scoreEvery}-th impression to the score traffic (the same features a live caller would send). The
 * publisher it wraps is replaced by {@link #connect} when the feeder reconnects to Kafka; its
 * counts go on.
 */
final class TrackingPublisher implements EventPublisher {

  private volatile EventPublisher delegate;
  private final GroundTruth truth;
  private final int scoreEvery;
  private final Consumer<Impression> scoreRequests;
  private final AtomicLong impressions = new AtomicLong();
  private final AtomicLong clicks = new AtomicLong();

  /**
   * @param scoreEvery every how many impressions one is also scored, >= 1
   */
  TrackingPublisher(GroundTruth truth, int scoreEvery, Consumer<Impression> scoreRequests) {
    if (scoreEvery < 1) {
      throw new IllegalArgumentException("scoreEvery must be >= 1, was " + scoreEvery);
    }
    this.truth = truth;
    this.scoreEvery = scoreEvery;
    this.scoreRequests = scoreRequests;
  }

  /** Publishes to {@code publisher} from now on; closes the one before, which failed. */
  void connect(EventPublisher publisher) {
    EventPublisher old = delegate;
    delegate = publisher;
    if (old != null) {
      try {
        old.close();
      } catch (RuntimeException failedAlready) {
        // It is replaced because it failed.
      }
    }
  }

  @Override
  public void publishImpression(Impression impression) {
    truth.impression(impression.id());
    delegate.publishImpression(impression);
    if (impressions.incrementAndGet() % scoreEvery == 0) {
      scoreRequests.accept(impression);
    }
  }

  @Override
  public void publishClick(Click click) {
    truth.click(click.impressionId());
    delegate.publishClick(click);
    clicks.incrementAndGet();
  }

  /** Impressions plus clicks published so far. */
  long events() {
    return impressions.get() + clicks.get();
  }

  long impressions() {
    return impressions.get();
  }

  @Override
  public void flush() {
    delegate.flush();
  }

  @Override
  public void close() {
    EventPublisher current = delegate;
    if (current != null) {
      current.close();
    }
  }
}
