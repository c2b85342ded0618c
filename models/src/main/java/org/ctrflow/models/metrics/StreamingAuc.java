package org.ctrflow.models.metrics;

/**
 * Weighted ROC AUC over the whole stream and over the window, from fine score bins (see {@link
 * BinnedAuc}): O(log bins) per example, O(1) to read, {@code 2 * 2 * 8 * bins} bytes. It is exact
 * up to the bin resolution; {@link #overallErrorBound()} and {@link #windowErrorBound()} give the
 * largest possible difference from the exact AUC: half the weighted fraction of positive-negative
 * pairs whose scores share a bin. AUC is undefined (NaN, never an exception) until both labels have
 * been seen with positive weight.
 */
public final class StreamingAuc extends WindowedMetric<BinnedAuc> {

  /** 2^16 bins: bins 1.5e-5 wide, 2 MiB for both scopes. */
  public static final int DEFAULT_BINS = 1 << 16;

  public StreamingAuc() {
    this(DEFAULT_BINS);
  }

  /**
   * @param bins equal-width score bins over [0, 1], at least 2; more bins, tighter bound
   */
  public StreamingAuc(int bins) {
    super(new BinnedAuc(requireBins(bins)), new BinnedAuc(bins));
  }

  private static int requireBins(int bins) {
    if (bins < 2) {
      throw new IllegalArgumentException("AUC bins must be at least 2, e.g. 65536; was " + bins);
    }
    return bins;
  }

  /** AUC of the whole stream, in [0, 1], or NaN with one label only. */
  public double overall() {
    return overall.auc();
  }

  /** AUC of the window, in [0, 1], or NaN with one label only. */
  public double window() {
    return window.auc();
  }

  /** Upper bound of {@code |overall() - exact AUC|}. */
  public double overallErrorBound() {
    return overall.errorBound();
  }

  /** Upper bound of {@code |window() - exact AUC of the window|}. */
  public double windowErrorBound() {
    return window.errorBound();
  }
}
