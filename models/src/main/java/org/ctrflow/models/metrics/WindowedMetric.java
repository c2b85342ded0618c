package org.ctrflow.models.metrics;

/**
 * A metric kept twice: over the whole stream ({@code overall}) and over the last W examples of the
 * {@link MetricWindow} it belongs to ({@code window}). A metric belongs to exactly one window,
 * which feeds it; until then both scopes are empty.
 */
public abstract class WindowedMetric<A extends Accumulator> {

  final A overall;
  final A window;
  private boolean attached;

  WindowedMetric(A overall, A window) {
    this.overall = overall;
    this.window = window;
  }

  /** Claims the metric for one window, so no two windows feed it twice. */
  final void attach() {
    if (attached) {
      throw new IllegalStateException(
          getClass().getSimpleName() + " already belongs to a MetricWindow; create one per window");
    }
    attached = true;
  }

  final void add(double score, int label, double weight) {
    overall.apply(score, label, weight, 1);
    window.apply(score, label, weight, 1);
  }

  final void evict(double score, int label, double weight) {
    window.apply(score, label, weight, -1);
  }
}
