package org.ctrflow.launcher.demo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The dashboard's charts as aligned columns: one sample per status tick, each a time and a value
 * per series (null where a series had no value yet, which the charts draw as a gap). Bounded: the
 * oldest samples go first. Series may appear late (a model's first report); earlier samples read as
 * null for them.
 */
final class Timeline {

  private record Sample(long timeMillis, Map<String, Double> values) {}

  private final int capacity;
  private final Deque<Sample> samples = new ArrayDeque<>();
  private final Set<String> series = new LinkedHashSet<>();

  Timeline(int capacity) {
    if (capacity < 2) {
      throw new IllegalArgumentException("capacity must be >= 2 samples, was " + capacity);
    }
    this.capacity = capacity;
  }

  synchronized void add(long timeMillis, Map<String, Double> values) {
    series.addAll(values.keySet());
    samples.addLast(new Sample(timeMillis, new LinkedHashMap<>(values)));
    if (samples.size() > capacity) {
      samples.removeFirst();
    }
  }

  synchronized int size() {
    return samples.size();
  }

  /**
   * The columns: {@code "t"} (epoch seconds, as uPlot wants them) and one list per series, all of
   * the same length.
   */
  synchronized Map<String, List<Double>> columns() {
    Map<String, List<Double>> out = new LinkedHashMap<>();
    List<Double> t = new ArrayList<>(samples.size());
    for (Sample s : samples) {
      t.add(s.timeMillis() / 1000.0);
    }
    out.put("t", t);
    for (String name : series) {
      List<Double> column = new ArrayList<>(samples.size());
      for (Sample s : samples) {
        column.add(s.values().get(name));
      }
      out.put(name, column);
    }
    return out;
  }
}
