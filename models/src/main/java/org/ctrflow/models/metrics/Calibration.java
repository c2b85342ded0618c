package org.ctrflow.models.metrics;

/**
 * Predicted over observed CTR, {@code sum w p / sum w y}: 1 is calibrated, above 1 over-predicts.
 * Undefined (NaN) while no positive with weight has been seen, since the ratio would be infinite.
 */
public final class Calibration extends WindowedMetric<Calibration.Sums> {

  public Calibration() {
    super(new Sums(), new Sums());
  }

  public double overall() {
    return overall.value();
  }

  public double window() {
    return window.value();
  }

  static final class Sums implements Accumulator {
    private double predicted;
    private double observed;
    private long positives;

    @Override
    public void apply(double score, int label, double weight, int sign) {
      predicted += sign * weight * score;
      if (label == 1) {
        observed += sign * weight;
        positives += sign;
      }
    }

    @Override
    public void clear() {
      predicted = 0;
      observed = 0;
      positives = 0;
    }

    double value() {
      return positives > 0 && observed > 0 ? predicted / observed : Double.NaN;
    }
  }
}
