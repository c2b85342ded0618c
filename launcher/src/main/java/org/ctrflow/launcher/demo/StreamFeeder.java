package org.ctrflow.launcher.demo;

import java.nio.file.Path;
import java.time.Duration;
import java.util.function.Supplier;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.generator.StreamGenerator;
import org.ctrflow.connectors.generator.SyntheticStream;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetReplay;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.ReplayOptions;
import org.ctrflow.connectors.supervision.Worker;

/**
 * Feeds impressions and clicks, rate-limited: the synthetic stream (endless, with scripted drift)
 * or a dataset file through replay (ends with the file). A supervised {@link Worker}: when Kafka
 * fails a send (a broker gone longer than the publisher's timeout), the run fails, and the restart
 * connects a new publisher and goes on: the synthetic stream where it was, a replay from the file's
 * start (the join keeps one example per impression id within its state TTL).
 */
final class StreamFeeder implements Worker {

  /** Publishes events until done or interrupted. */
  @FunctionalInterface
  interface Source {
    void feed(EventPublisher publisher) throws Exception;
  }

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  private final Source source;
  private final TrackingPublisher feed;
  private final Supplier<EventPublisher> kafka;
  private volatile Thread runner;
  private volatile boolean stopped;
  private volatile boolean finished;

  /**
   * @param feed what the source publishes to
   * @param kafka a new Kafka publisher, which {@code feed} delegates to, for each run
   */
  StreamFeeder(Source source, TrackingPublisher feed, Supplier<EventPublisher> kafka) {
    this.source = source;
    this.feed = feed;
    this.kafka = kafka;
  }

  /** The generated stream, at most {@code rate} impressions per second; restarts go on with it. */
  static Source synthetic(GeneratorConfig config, double rate) {
    SyntheticStream stream = new SyntheticStream(config);
    return publisher ->
        new StreamGenerator(Long.MAX_VALUE, rate, PROGRESS_EVERY)
            .run(stream, publisher, null, progress -> {});
  }

  /**
   * A dataset file replayed at {@code rate} rows per second, event time starting now, clicks as
   * {@link DemoFeeds#clickDelay}.
   */
  static Source replay(DatasetLayout layout, Path file, double rate, long seed) {
    return publisher -> {
      ReplayOptions options =
          new ReplayOptions(
              System.currentTimeMillis(),
              Math.max(1, Math.round(1000 / rate)),
              DemoFeeds.clickDelay(seed),
              Long.MAX_VALUE,
              rate,
              PROGRESS_EVERY);
      try (DatasetReader reader = layout.open(file)) {
        new DatasetReplay(options).run(reader, publisher, progress -> {});
      }
    };
  }

  @Override
  public void run(Runnable heartbeat) throws Exception {
    runner = Thread.currentThread();
    try {
      if (!finished) {
        feed.connect(kafka.get());
        source.feed(feed);
        finished = true;
      }
      // A replay that reached the file's end is done, not failed: wait for the stop.
      while (!stopped) {
        Thread.sleep(1_000);
      }
    } catch (InterruptedException e) {
      if (!stopped) {
        throw e;
      }
    } finally {
      runner = null;
    }
  }

  @Override
  public void stop() {
    stopped = true;
    Thread thread = runner;
    if (thread != null) {
      thread.interrupt();
    }
  }

  boolean finished() {
    return finished;
  }
}
