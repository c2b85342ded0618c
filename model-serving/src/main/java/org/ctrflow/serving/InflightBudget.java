package org.ctrflow.serving;

import io.prometheus.metrics.core.metrics.Gauge;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Admission control over the heap that requests take: a request reserves its estimated share before
 * its body is read and gives it back once answered. A request that does not fit is refused (the
 * caller answers 503), so concurrent large requests queue at the client instead of filling the
 * heap. A request larger than the whole budget is admitted when nothing else is in flight, so the
 * body limits alone decide what is servable.
 */
final class InflightBudget {

  private final long limit;
  private final AtomicLong reserved = new AtomicLong();
  private final Gauge gauge;

  InflightBudget(long limit, Gauge gauge) {
    this.limit = limit;
    this.gauge = gauge;
  }

  long limit() {
    return limit;
  }

  /** A reservation of {@code bytes}, or null when they do not fit now. */
  Lease tryReserve(long bytes) {
    while (true) {
      long now = reserved.get();
      if (now > 0 && now + bytes > limit) {
        return null;
      }
      if (reserved.compareAndSet(now, now + bytes)) {
        gauge.set(now + bytes);
        return new Lease(bytes);
      }
    }
  }

  private void giveBack(long bytes) {
    gauge.set(reserved.addAndGet(-bytes));
  }

  /** Bytes held until {@link #close()}. */
  final class Lease implements AutoCloseable {
    private long bytes;

    private Lease(long bytes) {
      this.bytes = bytes;
    }

    /** Gives back what the request turned out not to need. */
    void shrinkTo(long needed) {
      if (needed < bytes) {
        giveBack(bytes - needed);
        bytes = needed;
      }
    }

    @Override
    public void close() {
      giveBack(bytes);
      bytes = 0;
    }
  }
}
