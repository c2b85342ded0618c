package org.ctrflow.activelearning.strategies;

import java.nio.ByteBuffer;

/**
 * Chooses which scored samples to send for labeling so that the labeling rate stays near a target
 * (labels per minute of event time), and selects each one at random with a known probability p, so
 * its human label carries importance weight 1/p and training on the labels stays unbiased
 * (importance-weighted active learning, Beygelzimer et al. 2009).
 *
 * <p>For a sample with uncertainty u in [0, 1] (any strategy's scale) arriving at event time t:
 *
 * <pre>
 *   f = min(1, target rate / arrival rate)   the share of samples the budget allows (f = 1: all,
 *                                            with p = 1)
 *   p = clamp(u / θ, ε·f, 1)                 query probability; ε·f explores the confident rest
 *   selected with probability p
 *   log θ += η_n · (p − f) / f               the adaptive threshold: E[p] is driven to f,
 *                                            η_n = max(η, 1 / (10 + n)) for the n-th sample
 * </pre>
 *
 * The arrival rate is an exponentially decayed count in event time (time constant τ), corrected for
 * the stream's start, so nothing of the stream is stored. Samples at or above θ are always
 * selected; below it, in proportion to u; every sample keeps p &gt;= ε·f &gt; 0, so no region of
 * the feature space is left with weight zero. Because p is fixed before the coin is flipped, the
 * importance-weighted sum Σ y/p over selected samples is an unbiased estimate of Σ y over all
 * samples even though θ adapts to the past.
 *
 * <p>State is 56 bytes ({@link #toBytes()}, {@link #restore(byte[])}), for Flink operator state.
 * Not thread-safe; one per operator instance, with the target divided among instances.
 */
public final class BudgetedSelector {

  private static final int MAGIC = 0x42534c31; // "BSL1"
  private static final int FORMAT_VERSION = 1;
  private static final double MAX_LOG_THRESHOLD = 30;
  private static final int STATE_BYTES = 56;

  private final double targetPerMilli;
  private final double tauMillis;
  private final double exploration;
  private final double learningRate;

  private double logThreshold;
  private double decayedArrivals;
  private long firstEventTime = Long.MIN_VALUE;
  private long lastEventTime;
  private long rng;
  private long samples;

  private BudgetedSelector(Builder b) {
    targetPerMilli = b.targetPerMinute / 60_000.0;
    tauMillis = b.timeConstantMillis;
    exploration = b.explorationShare;
    learningRate = b.learningRate;
    logThreshold = Math.log(b.initialThreshold);
    rng = b.seed;
  }

  public static Builder builder() {
    return new Builder();
  }

  /** A decision: whether to query the label, and with which probability that was decided. */
  public record Selection(boolean selected, double queryProbability, double threshold) {

    /** The weight a human label of this sample carries, 1/p. */
    public double importanceWeight() {
      return 1.0 / queryProbability;
    }
  }

  /**
   * Decides for one sample.
   *
   * @param uncertainty in [0, 1], higher is more worth labeling
   * @param eventTime the sample's event time, epoch ms; a little disorder is tolerated
   * @throws IllegalArgumentException if the uncertainty is not in [0, 1]
   */
  public Selection select(double uncertainty, long eventTime) {
    Uncertainty.requireProbability("uncertainty", uncertainty);
    double arrivals = arrivalsPerMilli(eventTime);
    double share = arrivals <= targetPerMilli ? 1 : targetPerMilli / arrivals;
    double threshold = Math.exp(logThreshold);
    if (share == 1) { // the budget covers all traffic: label everything, θ learns nothing
      nextDouble(); // keep the coin's sequence independent of the budget's state
      return new Selection(true, 1, threshold);
    }
    double p = Math.min(1, Math.max(exploration * share, uncertainty / threshold));
    boolean selected = nextDouble() < p;
    // Robbins-Monro gain 1/(10 + n) until it falls to η: a cold start adapts θ within about a
    // hundred samples instead of labeling most of the first thousands.
    double gain = Math.max(learningRate, 1.0 / (10 + samples++));
    logThreshold += gain * (p - share) / share;
    logThreshold = Math.max(-MAX_LOG_THRESHOLD, Math.min(MAX_LOG_THRESHOLD, logThreshold));
    return new Selection(selected, p, threshold);
  }

  private double arrivalsPerMilli(long eventTime) {
    if (firstEventTime == Long.MIN_VALUE) {
      firstEventTime = eventTime;
      lastEventTime = eventTime;
    }
    if (eventTime > lastEventTime) {
      decayedArrivals *= Math.exp(-(eventTime - lastEventTime) / tauMillis);
      lastEventTime = eventTime;
    }
    // The decayed count of the samples before this one: for a stream of rate λ and age a its
    // expectation is λ·τ·(1 − e^(−a/τ)) (for Poisson arrivals; counting this sample too would
    // overstate λ by 1/τ, which matters when few samples arrive per τ). The first sample finds no
    // past, reads as rate 0, and is labeled.
    double past = decayedArrivals;
    decayedArrivals += 1;
    double age = lastEventTime - firstEventTime + 1;
    return past / (tauMillis * -Math.expm1(-age / tauMillis));
  }

  /** The current threshold θ on the uncertainty scale. */
  public double threshold() {
    return Math.exp(logThreshold);
  }

  private double nextDouble() { // SplitMix64: its whole state is one long, so it checkpoints
    long z = (rng += 0x9E3779B97F4A7C15L);
    z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
    z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
    z ^= z >>> 31;
    return (z >>> 11) * 0x1.0p-53;
  }

  /** The adaptive state (threshold, rate estimate, random generator, count) as versioned bytes. */
  public byte[] toBytes() {
    return ByteBuffer.allocate(STATE_BYTES)
        .putInt(MAGIC)
        .putInt(FORMAT_VERSION)
        .putDouble(logThreshold)
        .putDouble(decayedArrivals)
        .putLong(firstEventTime)
        .putLong(lastEventTime)
        .putLong(rng)
        .putLong(samples)
        .array();
  }

  /**
   * Continues from {@link #toBytes()} of a selector; the configuration stays this one's.
   *
   * @throws IllegalArgumentException for bytes of another format or version
   */
  public void restore(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length != STATE_BYTES || in.getInt() != MAGIC) {
      throw new IllegalArgumentException(
          "selector state: not a BudgetedSelector state (" + bytes.length + " bytes)");
    }
    int version = in.getInt();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "selector state: unknown format version " + version + ", expected " + FORMAT_VERSION);
    }
    logThreshold = in.getDouble();
    decayedArrivals = in.getDouble();
    firstEventTime = in.getLong();
    lastEventTime = in.getLong();
    rng = in.getLong();
    samples = in.getLong();
  }

  /**
   * Builder: {@code setTargetPerMinute} is required; the rest have defaults suited to a target of
   * tens to thousands of labels per minute.
   */
  public static final class Builder {
    private double targetPerMinute = Double.NaN;
    private double timeConstantMillis = 10_000;
    private double explorationShare = 0.1;
    private double learningRate = 1e-3;
    private double initialThreshold = 1;
    private long seed = 42;

    private Builder() {}

    /** Labels per minute of event time this selector aims at, &gt; 0. */
    public Builder setTargetPerMinute(double targetPerMinute) {
      this.targetPerMinute = targetPerMinute;
      return this;
    }

    /**
     * τ of the arrival-rate estimate, ms of event time (default 10,000). Shorter follows traffic
     * changes faster (the budget overspends for about τ after traffic doubles); longer is steadier
     * when fewer than ~100 samples arrive per τ.
     */
    public Builder optTimeConstantMillis(double timeConstantMillis) {
      this.timeConstantMillis = timeConstantMillis;
      return this;
    }

    /** ε: the floor of p as a share of the budget's f, in (0, 1) (default 0.1). */
    public Builder optExplorationShare(double explorationShare) {
      this.explorationShare = explorationShare;
      return this;
    }

    /** η: step of log θ per sample, relative to f (default 1e-3). */
    public Builder optLearningRate(double learningRate) {
      this.learningRate = learningRate;
      return this;
    }

    /** θ before any sample was seen (default 1, the top of the uncertainty scale). */
    public Builder optInitialThreshold(double initialThreshold) {
      this.initialThreshold = initialThreshold;
      return this;
    }

    /** Seed of the selection coin (default 42); give each operator instance its own. */
    public Builder optSeed(long seed) {
      this.seed = seed;
      return this;
    }

    public BudgetedSelector build() {
      positive("targetPerMinute", targetPerMinute, "such as 60 (labels per minute)");
      positive("timeConstantMillis", timeConstantMillis, "such as 10000");
      positive("learningRate", learningRate, "such as 1e-3");
      positive("initialThreshold", initialThreshold, "such as 1");
      if (!(explorationShare > 0 && explorationShare < 1)) {
        throw new IllegalArgumentException(
            "explorationShare: must be in (0, 1), such as 0.1, was " + explorationShare);
      }
      return new BudgetedSelector(this);
    }

    private static void positive(String field, double value, String example) {
      if (!(value > 0 && Double.isFinite(value))) {
        throw new IllegalArgumentException(
            field + ": must be a finite number > 0, " + example + ", was " + value);
      }
    }
  }
}
