package org.ctrflow.serving;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.Servable;

/**
 * A reference-counted {@link Servable}: a request {@link #tryAcquire() acquires} the version it
 * arrived on and releases it when scored; the registry holds one reference while the version is
 * warm and {@link #retire() retires} it when evicted. The native memory is freed when the last
 * reference goes, so an eviction never pulls weights from under an in-flight request.
 */
final class ModelHandle {

  private final Servable servable;
  private final long publishedAt;
  private final long loadedAt;

  /** The registry's reference counts as one; 0 means closed. */
  private final AtomicInteger references = new AtomicInteger(1);

  private final AtomicBoolean served = new AtomicBoolean();

  ModelHandle(Servable servable, long publishedAt, long loadedAt) {
    this.servable = servable;
    this.publishedAt = publishedAt;
    this.loadedAt = loadedAt;
  }

  Servable servable() {
    return servable;
  }

  ModelInfo info() {
    return servable.info();
  }

  long version() {
    return servable.info().version();
  }

  /** When the trainer published this version, epoch ms. */
  long publishedAt() {
    return publishedAt;
  }

  /** When this server made it available, epoch ms. */
  long loadedAt() {
    return loadedAt;
  }

  /** True exactly once: for the first response scored with this version (refresh-lag metric). */
  boolean firstServed() {
    return !served.get() && served.compareAndSet(false, true);
  }

  /** One more reference, unless the version was retired and drained already. */
  boolean tryAcquire() {
    while (true) {
      int n = references.get();
      if (n == 0) {
        return false;
      }
      if (references.compareAndSet(n, n + 1)) {
        return true;
      }
    }
  }

  void release() {
    int n = references.decrementAndGet();
    if (n == 0) {
      servable.close();
    } else if (n < 0) {
      throw new IllegalStateException("model " + info() + " released more often than acquired");
    }
  }

  /** Drops the registry's reference: closes now if idle, else when the last request releases. */
  void retire() {
    release();
  }

  boolean closed() {
    return references.get() == 0;
  }
}
