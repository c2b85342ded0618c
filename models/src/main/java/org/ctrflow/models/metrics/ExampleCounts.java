package org.ctrflow.models.metrics;

/** How many examples, positives and how much weight each scope holds. */
public final class ExampleCounts extends WindowedMetric<ExampleCounts.Tally> {

  public ExampleCounts() {
    super(new Tally(), new Tally());
  }

  public long overallCount() {
    return overall.count;
  }

  public long windowCount() {
    return window.count;
  }

  public long overallPositives() {
    return overall.positives;
  }

  public long windowPositives() {
    return window.positives;
  }

  public double overallWeight() {
    return overall.weight;
  }

  public double windowWeight() {
    return window.weight;
  }

  static final class Tally implements Accumulator {
    private long count;
    private long positives;
    private double weight;

    @Override
    public void apply(double score, int label, double w, int sign) {
      count += sign;
      positives += label * sign;
      weight += sign * w;
    }

    @Override
    public void clear() {
      count = 0;
      positives = 0;
      weight = 0;
    }
  }
}
