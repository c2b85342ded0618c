package org.ctrflow.launcher.demo;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalInt;

/**
 * What really happened to the most recent impressions: clicked or not, as the stream (generator or
 * dataset) decided. The simulated labeler answers label requests from it. Bounded: the oldest
 * impressions are forgotten first, so a long demo does not grow without end.
 */
final class GroundTruth {

  private final Map<String, Boolean> clicked;

  GroundTruth(int capacity) {
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity must be >= 1, was " + capacity);
    }
    this.clicked =
        new LinkedHashMap<>(16, 0.75f, false) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  synchronized void impression(String id) {
    clicked.putIfAbsent(id, false);
  }

  /** A click on a remembered impression; a click on a forgotten one changes nothing. */
  synchronized void click(String impressionId) {
    clicked.replace(impressionId, true);
  }

  /** 1 for clicked, 0 for not clicked, empty for an impression never seen or already forgotten. */
  synchronized OptionalInt label(String impressionId) {
    Boolean c = clicked.get(impressionId);
    return c == null ? OptionalInt.empty() : OptionalInt.of(c ? 1 : 0);
  }

  synchronized int size() {
    return clicked.size();
  }
}
