package org.ctrflow.connectors.replay;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.InvalidEventException;

/**
 * Turns dataset rows into impression and click events. Every row becomes an {@link Impression}; a
 * positive row also becomes a {@link Click} on it, a {@link ClickDelay} later. Ids and times are
 * derived from the file alone, so replaying the same file twice yields the same events and an
 * idempotent consumer sees them once.
 */
public final class DatasetReplay {

  private final ReplayOptions options;
  private final LongSupplier nanoClock;

  public DatasetReplay(ReplayOptions options) {
    this(options, System::nanoTime);
  }

  DatasetReplay(ReplayOptions options, LongSupplier nanoClock) {
    this.options = options;
    this.nanoClock = nanoClock;
  }

  /**
   * Replays the reader's rows, then waits until the publisher has every event acknowledged.
   *
   * @param progress called every {@link ReplayOptions#progressEvery()} with the counts so far
   * @return the final counts
   * @throws PublishException when an event cannot be delivered
   */
  public ReplayStats run(
      DatasetReader reader, EventPublisher publisher, Consumer<ReplayStats> progress)
      throws InterruptedException {
    TokenBucket limiter =
        options.ratePerSecond() > 0
            ? new TokenBucket(
                options.ratePerSecond(), Math.max(1, options.ratePerSecond() / 10), nanoClock)
            : null;
    String idPrefix = stem(reader.name()) + "-";
    MalformedRows invalid = new MalformedRows();
    long start = nanoClock.getAsLong();
    long progressEvery = options.progressEvery().toNanos();
    long nextProgress = start + progressEvery;
    long rows = 0;
    long clicks = 0;
    while (rows < options.limit() && reader.hasNext()) {
      DatasetRow row = reader.next();
      long index = rows++;
      if (limiter != null) {
        limiter.acquire();
      }
      Impression impression;
      try {
        impression = toImpression(row, idPrefix, index);
      } catch (InvalidEventException e) {
        invalid.add(row.lineNumber(), "not a valid impression: " + e.getMessage());
        continue;
      }
      publisher.publishImpression(impression);
      if (row.positive()) {
        long delay = options.clickDelay().millisFor(impression.id());
        publisher.publishClick(new Click(impression.id(), impression.eventTime() + delay));
        clicks++;
      }
      long now = nanoClock.getAsLong();
      if (now >= nextProgress) {
        progress.accept(stats(reader, invalid, rows, clicks, now - start));
        nextProgress = now + progressEvery;
      }
    }
    publisher.flush();
    return stats(reader, invalid, rows, clicks, nanoClock.getAsLong() - start);
  }

  private Impression toImpression(DatasetRow row, String idPrefix, long index) {
    String id = row.id().orElse(idPrefix + row.lineNumber());
    long time = row.eventTime().orElse(options.baseTimeMillis() + index * options.intervalMillis());
    return new Impression(id, time, row.categorical(), row.numeric());
  }

  private static ReplayStats stats(
      DatasetReader reader, MalformedRows invalid, long rows, long clicks, long elapsedNanos) {
    MalformedRows unreadable = reader.malformed();
    List<MalformedRow> first = new ArrayList<>(unreadable.first());
    first.addAll(invalid.first());
    first.sort(Comparator.comparingLong(MalformedRow::lineNumber));
    long impressions = rows - invalid.total();
    return new ReplayStats(
        rows,
        impressions,
        clicks,
        unreadable.total() + invalid.total(),
        first.subList(0, Math.min(first.size(), MalformedRows.KEPT)),
        Duration.ofNanos(elapsedNanos));
  }

  /** The file name without its last extension: {@code frappe.test.libfm} -> {@code frappe.test}. */
  static String stem(String fileName) {
    int dot = fileName.lastIndexOf('.');
    return dot > 0 ? fileName.substring(0, dot) : fileName;
  }
}
