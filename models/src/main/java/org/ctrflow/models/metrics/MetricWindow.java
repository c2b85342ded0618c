package org.ctrflow.models.metrics;

import java.util.List;

/**
 * Feeds scored examples to a set of {@link WindowedMetric}s and keeps the last {@code capacity} in
 * a ring, so each metric's window scope forgets the example that falls out. Allocation-free per
 * example; not thread-safe (one per operator or thread).
 *
 * <p>Removing weighted examples from floating-point sums leaves rounding behind (a weight 2^53
 * times another absorbs it whole), so every {@code capacity} examples the window scopes are rebuilt
 * from the ring, for O(bins / W + log bins) amortized extra work per example: rounding never
 * outlives the W examples that follow it. With weights of similar magnitude it stays near 1e-15
 * relative anyway.
 */
public final class MetricWindow {

  private final List<WindowedMetric<?>> metrics;
  private final double[] scores;
  private final byte[] labels;
  private final double[] weights;
  private int next;
  private int size;

  /**
   * @param capacity W, the number of most recent examples the window scopes cover, at least 1
   * @param metrics fresh metrics, each not yet part of another window
   */
  public MetricWindow(int capacity, WindowedMetric<?>... metrics) {
    if (capacity < 1) {
      throw new IllegalArgumentException(
          "window capacity must be at least 1 example, e.g. 10000; was " + capacity);
    }
    this.metrics = List.of(metrics);
    this.metrics.forEach(WindowedMetric::attach);
    this.scores = new double[capacity];
    this.labels = new byte[capacity];
    this.weights = new double[capacity];
  }

  /** W, the most examples the window scopes hold. */
  public int capacity() {
    return scores.length;
  }

  /** How many examples the window scopes hold now, at most {@link #capacity()}. */
  public int size() {
    return size;
  }

  /**
   * Adds one example to every metric, evicting the oldest from the window scopes when full.
   *
   * @param score predicted click probability in [0, 1]
   * @param label 1 clicked, 0 not
   * @param weight importance weight, finite and {@code >= 0} (0 counts the example, weighs nothing)
   * @throws IllegalArgumentException for values outside those ranges
   */
  public void update(double score, int label, double weight) {
    if (!(score >= 0 && score <= 1)) {
      throw new IllegalArgumentException("score must be a probability in [0, 1], was " + score);
    }
    if (label != 0 && label != 1) {
      throw new IllegalArgumentException("label must be 0 or 1, was " + label);
    }
    if (!(weight >= 0 && weight < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException("weight must be finite and >= 0, was " + weight);
    }
    if (size == scores.length) {
      for (WindowedMetric<?> metric : metrics) {
        metric.evict(scores[next], labels[next], weights[next]);
      }
    } else {
      size++;
    }
    scores[next] = score;
    labels[next] = (byte) label;
    weights[next] = weight;
    for (WindowedMetric<?> metric : metrics) {
      metric.add(score, label, weight);
    }
    if (++next == scores.length) {
      next = 0;
      rebuildWindows();
    }
  }

  private void rebuildWindows() {
    for (WindowedMetric<?> metric : metrics) {
      metric.window.clear();
      for (int i = 0; i < size; i++) {
        metric.window.apply(scores[i], labels[i], weights[i], 1);
      }
    }
  }
}
