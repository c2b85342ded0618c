package org.ctrflow.connectors.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.testing.CollectingPublisher;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DatasetReplayTest {

  private static final long BASE = 1_767_225_600_000L; // 2026-01-01T00:00:00Z

  private static CollectingPublisher replayFrappe(ReplayOptions options, List<ReplayStats> stats)
      throws Exception {
    Path file = SharedData.dataset("frappe/nfm_split/frappe.test.libfm");
    CollectingPublisher publisher = new CollectingPublisher();
    try (DatasetReader reader = DatasetFormat.LIBFM.open(file, LibFmReader.FRAPPE_FIELDS, null)) {
      long start = System.nanoTime();
      stats.add(new DatasetReplay(options).run(reader, publisher, p -> {}));
      double seconds = (System.nanoTime() - start) / 1e9;
      System.out.printf(
          "replayed %d events into memory in %.3f s: %.0f events/s%n",
          publisher.impressions.size() + publisher.clicks.size(),
          seconds,
          (publisher.impressions.size() + publisher.clicks.size()) / seconds);
    }
    return publisher;
  }

  @Test
  void replaysEveryFrappeTestRowAndAClickPerPositive() throws Exception {
    List<ReplayStats> stats = new ArrayList<>();
    CollectingPublisher publisher = replayFrappe(ReplayOptions.defaults(BASE), stats);

    assertThat(publisher.impressions).hasSize(28_860);
    assertThat(publisher.clicks).hasSize(9_536);
    assertThat(publisher.flushes).isEqualTo(1);
    ReplayStats summary = stats.get(0);
    assertThat(summary.rowsRead()).isEqualTo(28_860);
    assertThat(summary.impressions()).isEqualTo(28_860);
    assertThat(summary.clicks()).isEqualTo(9_536);
    assertThat(summary.malformed()).isZero();

    Impression first = publisher.impressions.get(0);
    assertThat(first.id()).isEqualTo("frappe.test-1");
    assertThat(first.eventTime()).isEqualTo(BASE);
    assertThat(first.features()).containsEntry("user", "204").hasSize(10);
    assertThat(publisher.impressions.get(1).eventTime()).isEqualTo(BASE + 10);

    Map<String, Long> shownAt = new HashMap<>();
    publisher.impressions.forEach(i -> shownAt.put(i.id(), i.eventTime()));
    assertThat(shownAt).hasSize(28_860);
    for (Click click : publisher.clicks) {
      long delay = click.eventTime() - shownAt.get(click.impressionId());
      assertThat(delay).isBetween(1_000L, 30_000L);
    }
  }

  @Test
  void aSecondReplayYieldsTheSameEvents() throws Exception {
    ReplayOptions options = ReplayOptions.defaults(BASE).withLimit(2_000);
    CollectingPublisher once = replayFrappe(options, new ArrayList<>());
    CollectingPublisher twice = replayFrappe(options, new ArrayList<>());
    assertThat(twice.impressions).isEqualTo(once.impressions);
    assertThat(twice.clicks).isEqualTo(once.clicks);
  }

  @Test
  void stopsAtTheLimit() throws Exception {
    List<ReplayStats> stats = new ArrayList<>();
    CollectingPublisher publisher =
        replayFrappe(ReplayOptions.defaults(BASE).withLimit(100), stats);
    assertThat(publisher.impressions).hasSize(100);
    assertThat(publisher.impressions.get(99).id()).isEqualTo("frappe.test-100");
    assertThat(stats.get(0).rowsRead()).isEqualTo(100);
  }

  @Test
  void usesTheRowsOwnIdAndTimeAndCountsRowsThatAreNoValidImpression(@TempDir Path dir)
      throws Exception {
    Path file =
        Files.writeString(
            dir.resolve("log.csv"),
            "id,ts,label,price,city\n"
                + "a,1700000000,1,1.5,paris\n"
                + "b,1700000001,0,2.5,\n"
                + "x,,0,1,lyon\n");
    CsvOptions options =
        CsvOptions.builder()
            .optIdColumn("id")
            .optTimeColumn("ts", TimeFormat.EPOCH)
            .optNumericColumns(java.util.Set.of("price"))
            .build();
    CollectingPublisher publisher = new CollectingPublisher();
    ReplayStats stats;
    try (DatasetReader reader = DatasetFormat.CSV.open(file, List.of(), options)) {
      stats = new DatasetReplay(ReplayOptions.defaults(BASE)).run(reader, publisher, p -> {});
    }
    assertThat(publisher.impressions)
        .extracting(Impression::id, Impression::eventTime)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("a", 1_700_000_000_000L),
            org.assertj.core.groups.Tuple.tuple("x", BASE + 2 * 10));
    assertThat(publisher.clicks).extracting(Click::impressionId).containsExactly("a");
    assertThat(stats.malformed()).isEqualTo(1);
    assertThat(stats.firstMalformed().get(0).lineNumber()).isEqualTo(3);
    assertThat(stats.firstMalformed().get(0).reason())
        .contains("not a valid impression", "features");
  }

  @Test
  void reportsProgressOnTheConfiguredClock(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("t.libfm"), "1 1:1\n".repeat(10));
    AtomicLong clock = new AtomicLong();
    List<ReplayStats> progress = new ArrayList<>();
    ReplayOptions options = ReplayOptions.defaults(BASE);
    try (DatasetReader reader = new LibFmReader(file, List.of())) {
      // Each clock read advances 0.3 s: progress every 1 s comes about every third row.
      new DatasetReplay(options, () -> clock.addAndGet(300_000_000L))
          .run(reader, new CollectingPublisher(), progress::add);
    }
    assertThat(progress).isNotEmpty();
    assertThat(progress).extracting(ReplayStats::rowsRead).isSorted();
    assertThat(progress.get(0).eventsPerSecond()).isPositive();
  }

  @Test
  void aFailedSendFailsTheReplay(@TempDir Path dir) throws Exception {
    Path file = Files.writeString(dir.resolve("t.libfm"), "1 1:1\n");
    EventPublisher failing =
        new CollectingPublisher() {
          @Override
          public void flush() {
            throw new PublishException("broker said no", null);
          }
        };
    try (DatasetReader reader = new LibFmReader(file, List.of())) {
      assertThatThrownBy(
              () -> new DatasetReplay(ReplayOptions.defaults(BASE)).run(reader, failing, p -> {}))
          .isInstanceOf(PublishException.class)
          .hasMessage("broker said no");
    }
  }
}
