package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class StatusBoardTest {

  private final AtomicLong clock = new AtomicLong(1_000_000);
  private final AtomicLong events = new AtomicLong();
  private final StatusBoard board = new StatusBoard(clock::get, events::get, 100);

  static byte[] report(String model, long version, Double auc) {
    String a = auc == null ? "null" : auc.toString();
    return ("{\"modelName\":\""
            + model
            + "\",\"modelVersion\":"
            + version
            + ",\"examplesTrained\":1000,\"examplesPerSecond\":250.5,"
            + "\"overall\":{\"count\":1000,\"positives\":100,\"auc\":"
            + a
            + ",\"logLoss\":0.3},"
            + "\"window\":{\"count\":500,\"positives\":40,\"auc\":0.8},"
            + "\"windowCapacity\":500,\"emittedAt\":1}")
        .getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void trainingReportsAndPublishedVersionsMakeEachModelsProgress() throws IOException {
    board.expectModel("finalmlp");
    board.versionPublished("finalmlp", 1, 0);
    board.versionPublished("finalmlp", 1, 0); // a second chunk of the same version
    board.versionPublished("finalmlp", 2, 0);
    board.trainingReport(TrainingReport.parse("training/finalmlp", report("finalmlp", 2, 0.75)));

    ModelProgress p = board.snapshot().models().get(0);
    assertThat(p.model()).isEqualTo("finalmlp");
    assertThat(p.versionsPublished()).isEqualTo(2);
    assertThat(p.trainedVersion()).isEqualTo(2);
    assertThat(p.auc()).isEqualTo(0.75);
    assertThat(p.logLoss()).isEqualTo(0.3);
    assertThat(p.windowAuc()).isEqualTo(0.8);
    assertThat(p.windowLogLoss()).isNull(); // absent in the report: undefined, not zero
    assertThat(p.examplesPerSecond()).isEqualTo(250.5);
  }

  @Test
  void theFirstAnswerOfANewVersionGivesItsRefreshLag() {
    board.versionPublished("finalmlp", 1, 1_000_000 - 4_000);
    board.versionPublished("finalmlp", 2, 1_000_000 + 1_000);
    board.servedVersion("finalmlp", 1);
    assertThat(board.snapshot().served().lastRefreshLagMs()).isEqualTo(4_000L);
    clock.addAndGet(3_500);
    board.servedVersion("finalmlp", 2);
    clock.addAndGet(10_000);
    board.servedVersion("finalmlp", 2); // the same version again: no new lag
    StatusBoard.Served served = board.snapshot().served();
    assertThat(served.version()).isEqualTo(2);
    assertThat(served.firstVersion()).isEqualTo(1);
    assertThat(served.versionsServed()).isEqualTo(2);
    assertThat(served.lastRefreshLagMs()).isEqualTo(2_500L);
  }

  @Test
  void aVersionServedBeforeItsAnnouncementIsReadGetsItsLagOnceItIs() {
    board.servedVersion("finalmlp", 1); // the server follows updates uncommitted: often first
    board.tick();
    assertThat(board.snapshot().served().lastRefreshLagMs()).isNull();
    assertThat(board.snapshot().series()).doesNotContainKey("refreshLagSeconds");

    clock.addAndGet(6_000);
    board.versionPublished("dnn", 1, 1_000_000 - 9_000); // another model: no lag for finalmlp
    assertThat(board.snapshot().served().lastRefreshLagMs()).isNull();
    board.versionPublished("finalmlp", 1, 1_000_000 - 2_500); // published 2.5 s before served
    board.tick();
    assertThat(board.snapshot().served().lastRefreshLagMs()).isEqualTo(2_500L);
    assertThat(board.snapshot().series().get("refreshLagSeconds")).containsExactly(null, 2.5);

    board.versionPublished("finalmlp", 1, 0); // a later chunk of the same version changes nothing
    assertThat(board.snapshot().served().lastRefreshLagMs()).isEqualTo(2_500L);
  }

  @Test
  void ticksTurnCountersIntoRatesAndAlignedColumns() throws IOException {
    board.expectModel("dnn");
    board.tick(); // before any report: the model's columns are gaps
    events.set(500);
    clock.addAndGet(1_000);
    board.trainingReport(TrainingReport.parse("training/dnn", report("dnn", 1, 0.7)));
    board.labelAnswered();
    board.labelAnswered();
    board.queueStats(7, 2);
    board.drift("flip category=1");
    board.tick();

    DemoStatus s = board.snapshot();
    assertThat(s.eventsPerSecond()).isEqualTo(500.0);
    assertThat(s.labelsPerMinute()).isEqualTo(2.0);
    assertThat(s.queueDepth()).isEqualTo(7);
    assertThat(s.drifts()).extracting(StatusBoard.Drift::label).containsExactly("flip category=1");
    assertThat(s.series().get("t")).containsExactly(1000.0, 1001.0);
    assertThat(s.series().get("auc:dnn")).containsExactly(null, 0.7);
    assertThat(s.series().get("eventsPerSecond")).hasSize(2).last().isEqualTo(500.0);
    assertThat(s.series().values()).allSatisfy(column -> assertThat(column).hasSize(2));

    clock.addAndGet(61_000); // the labels fall out of the one-minute window
    board.tick();
    assertThat(board.snapshot().labelsPerMinute()).isZero();
  }

  @Test
  void theTimelineKeepsItsCapacity() {
    StatusBoard small = new StatusBoard(clock::get, events::get, 3);
    for (int i = 0; i < 5; i++) {
      clock.addAndGet(1_000);
      small.tick();
    }
    assertThat(small.snapshot().series().get("t")).containsExactly(1003.0, 1004.0, 1005.0);
  }

  @Test
  void recordsThatAreNotTrainingReportsAreIgnoredAndBrokenReportsNamed() throws IOException {
    assertThat(TrainingReport.parse("serving/finalmlp", report("x", 1, 0.5))).isNull();
    assertThat(TrainingReport.parse(null, report("x", 1, 0.5))).isNull();
    byte[] noWindow =
        new String(report("m", 1, 0.5), StandardCharsets.UTF_8)
            .replaceAll(",\"window\":\\{[^}]*\\}", "")
            .getBytes(StandardCharsets.UTF_8);
    assertThatThrownBy(() -> TrainingReport.parse("training/m", noWindow))
        .hasMessageContaining("window");
  }

  @Test
  void theStatusLineShowsEveryFigure() throws IOException {
    board.trainingReport(TrainingReport.parse("training/finalmlp", report("finalmlp", 3, 0.7512)));
    board.versionPublished("finalmlp", 3, clock.get() - 1_200);
    board.servedVersion("finalmlp", 3);
    board.queueStats(12, 0);
    String line = StatusLine.format(board.snapshot());
    assertThat(line)
        .contains("ev/s")
        .contains("finalmlp v3 AUC 0.7512 LL 0.3000")
        .contains("served finalmlp v3 (lag 1.2s)")
        .contains("queue 12")
        .contains("labels/min");
    assertThat(List.of(line.split("\n"))).hasSize(1);
  }
}
