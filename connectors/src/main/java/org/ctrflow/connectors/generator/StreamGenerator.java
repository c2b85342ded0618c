package org.ctrflow.connectors.generator;

import java.io.IOException;
import java.io.Writer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.TokenBucket;

/**
 * Publishes a bounded part of a {@link SyntheticStream}, optionally writing the teacher's truth
 * (CSV {@code impression_id,event_index,p_true,drift_phase}) for evaluation.
 */
public final class StreamGenerator {

  /** The truth file's header line. */
  public static final String TRUTH_HEADER = "impression_id,event_index,p_true,drift_phase";

  private final long count;
  private final double ratePerSecond;
  private final Duration progressEvery;
  private final LongSupplier nanoClock;

  /**
   * @param count how many impressions to generate, >= 0
   * @param ratePerSecond most impressions per wall-clock second, 0 for unlimited
   * @param progressEvery how often the progress callback runs
   */
  public StreamGenerator(long count, double ratePerSecond, Duration progressEvery) {
    this(count, ratePerSecond, progressEvery, System::nanoTime);
  }

  StreamGenerator(
      long count, double ratePerSecond, Duration progressEvery, LongSupplier nanoClock) {
    if (count < 0) {
      throw new IllegalArgumentException("count must be >= 0 events, was " + count);
    }
    if (!(ratePerSecond >= 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "rate must be >= 0 events per second (0 = unlimited), was " + ratePerSecond);
    }
    this.count = count;
    this.ratePerSecond = ratePerSecond;
    this.progressEvery = progressEvery;
    this.nanoClock = nanoClock;
  }

  /**
   * Generates {@code count} impressions (and their clicks), then waits until the publisher has
   * every event acknowledged.
   *
   * @param truth where the truth CSV goes, or {@code null} for nowhere
   */
  public GeneratorStats run(
      SyntheticStream stream,
      EventPublisher publisher,
      Writer truth,
      Consumer<GeneratorStats> progress)
      throws IOException, InterruptedException {
    TokenBucket limiter =
        ratePerSecond > 0
            ? new TokenBucket(ratePerSecond, Math.max(1, ratePerSecond / 10), nanoClock)
            : null;
    if (truth != null) {
      truth.write(TRUTH_HEADER + "\n");
    }
    List<long[]> counts = new ArrayList<>(); // per phase: impressions, clicks
    List<Double> sums = new ArrayList<>(); // per phase: sum of p_true
    long start = nanoClock.getAsLong();
    long nextProgress = start + progressEvery.toNanos();
    for (long i = 0; i < count; i++) {
      if (limiter != null) {
        limiter.acquire();
      }
      SyntheticEvent event = stream.next();
      publisher.publishImpression(event.impression());
      event.click().ifPresent(publisher::publishClick);
      while (counts.size() <= event.phase()) {
        counts.add(new long[2]);
        sums.add(0.0);
      }
      long[] phase = counts.get(event.phase());
      phase[0]++;
      phase[1] += event.click().isPresent() ? 1 : 0;
      sums.set(event.phase(), sums.get(event.phase()) + event.pTrue());
      if (truth != null) {
        truth.write(
            String.format(
                Locale.ROOT,
                "%s,%d,%.6f,%d\n",
                event.impression().id(),
                event.index(),
                event.pTrue(),
                event.phase()));
      }
      long now = nanoClock.getAsLong();
      if (now >= nextProgress) {
        progress.accept(stats(counts, sums, now - start));
        nextProgress = now + progressEvery.toNanos();
      }
    }
    publisher.flush();
    if (truth != null) {
      truth.flush();
    }
    return stats(counts, sums, nanoClock.getAsLong() - start);
  }

  private static GeneratorStats stats(List<long[]> counts, List<Double> sums, long elapsedNanos) {
    List<PhaseStats> phases = new ArrayList<>();
    long impressions = 0;
    long clicks = 0;
    for (int p = 0; p < counts.size(); p++) {
      long[] c = counts.get(p);
      phases.add(new PhaseStats(p, c[0], c[1], sums.get(p)));
      impressions += c[0];
      clicks += c[1];
    }
    return new GeneratorStats(impressions, clicks, phases, Duration.ofNanos(elapsedNanos));
  }
}
