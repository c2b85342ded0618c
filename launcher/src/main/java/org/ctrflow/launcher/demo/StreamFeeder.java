package org.ctrflow.launcher.demo;

import java.nio.file.Path;
import java.time.Duration;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.generator.StreamGenerator;
import org.ctrflow.connectors.generator.SyntheticStream;
import org.ctrflow.connectors.replay.DatasetLayout;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetReplay;
import org.ctrflow.connectors.replay.EventPublisher;
import org.ctrflow.connectors.replay.ReplayOptions;

/**
 * Feeds impressions and clicks in a background thread, rate-limited: the synthetic stream (endless,
 * with scripted drift) or a dataset file through replay (ends with the file). Stops on {@link
 * #close()}; a failure (e.g. Kafka gone) ends the feed and is kept for the status.
 */
final class StreamFeeder implements AutoCloseable {

  /** Publishes events until done or interrupted. */
  @FunctionalInterface
  interface Source {
    void feed(EventPublisher publisher) throws Exception;
  }

  private static final Duration PROGRESS_EVERY = Duration.ofSeconds(1);

  private final Thread thread;
  private volatile Exception failure;
  private volatile boolean finished;

  StreamFeeder(Source source, EventPublisher publisher) {
    this.thread =
        new Thread(
            () -> {
              try {
                source.feed(publisher);
              } catch (InterruptedException stopped) {
                return;
              } catch (Exception e) {
                failure = e;
              } finally {
                finished = true;
              }
            },
            "demo-feeder");
    thread.setDaemon(true);
  }

  /** The generated stream, at most {@code rate} impressions per second. */
  static Source synthetic(GeneratorConfig config, double rate) {
    return publisher ->
        new StreamGenerator(Long.MAX_VALUE, rate, PROGRESS_EVERY)
            .run(new SyntheticStream(config), publisher, null, progress -> {});
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

  StreamFeeder start() {
    thread.start();
    return this;
  }

  Exception failure() {
    return failure;
  }

  boolean finished() {
    return finished;
  }

  @Override
  public void close() throws InterruptedException {
    thread.interrupt();
    thread.join(5_000);
  }
}
