package org.ctrflow.models.metrics;

/**
 * Weighted mean binary cross-entropy {@code -sum w (y ln p + (1-y) ln(1-p)) / sum w}, with {@code
 * p} clipped to {@code [1e-7, 1 - 1e-7]} as in BARS/FuxiCTR, so a confident mistake costs at most
 * about 16.1 instead of infinity. NaN while there is no weight.
 */
public final class LogLoss extends WindowedMetric<LogLoss.Sums> {

  /** The clipping of BARS/FuxiCTR's evaluation. */
  public static final double EPSILON = 1e-7;

  public LogLoss() {
    super(new Sums(), new Sums());
  }

  public double overall() {
    return overall.value();
  }

  public double window() {
    return window.value();
  }

  /** The weighted loss of one prediction. */
  static double loss(double score, int label) {
    double p = Math.min(Math.max(score, EPSILON), 1 - EPSILON);
    return -Math.log(label == 1 ? p : 1 - p);
  }

  static final class Sums implements Accumulator {
    private double loss;
    private double weight;
    private long count;

    @Override
    public void apply(double score, int label, double w, int sign) {
      loss += sign * w * loss(score, label);
      weight += sign * w;
      count += sign;
    }

    @Override
    public void clear() {
      loss = 0;
      weight = 0;
      count = 0;
    }

    double value() {
      return count > 0 && weight > 0 ? loss / weight : Double.NaN;
    }
  }
}
