package org.ctrflow.labelqueue.http;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** Labels per labeler over the last ten minutes, for the labeler page's throughput. */
final class LabelerStats {

  static final long WINDOW_MS = 10 * 60_000;

  private final Map<String, Deque<Long>> times = new ConcurrentHashMap<>();

  void labeled(String labeler, long now) {
    Deque<Long> d = times.computeIfAbsent(labeler, k -> new ArrayDeque<>());
    synchronized (d) {
      d.addLast(now);
      trim(d, now);
    }
  }

  /** Labels by {@code labeler} in the window. */
  int recent(String labeler, long now) {
    Deque<Long> d = times.get(labeler);
    if (d == null) {
      return 0;
    }
    synchronized (d) {
      trim(d, now);
      return d.size();
    }
  }

  private static void trim(Deque<Long> d, long now) {
    while (!d.isEmpty() && d.peekFirst() < now - WINDOW_MS) {
      d.removeFirst();
    }
  }
}
