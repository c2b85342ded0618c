package org.ctrflow.serving;

import java.util.ArrayList;
import java.util.List;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The warm versions of one model: the newest {@code warm} versions stay loaded, one of them is
 * current (the newest, unless a version is pinned for rollback). Installing a version and acquiring
 * the current one are atomic with respect to each other, so a request always gets a live version:
 * the one current at its arrival.
 */
final class ModelVersions {

  private final String name;
  private final int warm;
  private final NavigableMap<Long, ModelHandle> versions = new TreeMap<>();
  private Long pinned;
  private volatile ModelHandle current;

  ModelVersions(String name, int warm) {
    this.name = name;
    this.warm = warm;
  }

  String name() {
    return name;
  }

  /**
   * Makes a new version available; it becomes current unless a version is pinned. Evicts (retires)
   * the oldest unpinned versions beyond the warm count.
   *
   * @return the versions retired
   */
  synchronized List<Long> install(ModelHandle handle) {
    ModelHandle previous = versions.put(handle.version(), handle);
    if (previous != null && previous != handle) {
      previous.retire();
    }
    if (pinned == null) {
      current = versions.lastEntry().getValue();
    }
    // Oldest first, never the pinned one nor the newest (the next delta's base).
    List<Long> evicted = new ArrayList<>();
    for (Long v : List.copyOf(versions.keySet())) {
      if (versions.size() <= warm) {
        break;
      }
      if (!v.equals(pinned) && !v.equals(versions.lastKey())) {
        versions.remove(v).retire();
        evicted.add(v);
      }
    }
    return evicted;
  }

  /** The current version, acquired; the caller releases it. Null before the first version. */
  ModelHandle acquireCurrent() {
    while (true) {
      ModelHandle h = current;
      if (h == null || h.tryAcquire()) {
        return h;
      }
      // Lost a race with an install that retired h: the next read sees the new current.
    }
  }

  /** A warm version, acquired; null if it is not warm. */
  synchronized ModelHandle acquire(long version) {
    ModelHandle h = versions.get(version);
    return h != null && h.tryAcquire() ? h : null;
  }

  /** The current version without acquiring it (for metadata and metrics). */
  ModelHandle peekCurrent() {
    return current;
  }

  synchronized List<Long> warmVersions() {
    return List.copyOf(versions.keySet());
  }

  synchronized Long pinned() {
    return pinned;
  }

  /**
   * Serves {@code version} until {@link #unpin()}, whatever newer versions arrive.
   *
   * @throws IllegalArgumentException if the version is not warm (naming the warm ones)
   */
  synchronized void pin(long version) {
    ModelHandle h = versions.get(version);
    if (h == null) {
      throw new IllegalArgumentException(
          "version " + version + " of " + name + " is not warm; warm versions: " + warmVersions());
    }
    pinned = version;
    current = h;
  }

  /** Back to serving the newest version. */
  synchronized void unpin() {
    pinned = null;
    if (!versions.isEmpty()) {
      current = versions.lastEntry().getValue();
    }
  }

  synchronized void closeAll() {
    current = null;
    versions.values().forEach(ModelHandle::retire);
    versions.clear();
  }
}
