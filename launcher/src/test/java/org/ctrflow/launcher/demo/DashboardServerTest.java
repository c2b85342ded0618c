package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.ctrflow.connectors.testing.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(120)
class DashboardServerTest {

  private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
  private final AtomicLong events = new AtomicLong();
  private final HttpClient http = HttpClient.newHttpClient();

  /** A board with a minute of made-up but well-formed history, two models, a drift. */
  private StatusBoard filledBoard() throws Exception {
    StatusBoard board = new StatusBoard(clock::get, events::get, 1000);
    board.component("kafka", StatusBoard.State.UP, "127.0.0.1:9092", null);
    board.link("Flink web UI", "http://127.0.0.1:8081/");
    for (int t = 1; t <= 60; t++) {
      clock.addAndGet(1_000);
      events.addAndGet(300);
      for (String model : new String[] {"finalmlp", "dnn"}) {
        board.versionPublished(model, t / 10 + 1, clock.get() - 500);
        board.trainingReport(
            TrainingReport.parse(
                "training/" + model, StatusBoardTest.report(model, t / 10 + 1, 0.6 + t / 300.0)));
      }
      board.servedVersion("finalmlp", t / 10 + 1);
      board.queueStats(t % 7, t);
      board.labelAnswered();
      if (t == 30) {
        board.drift("flip category=1");
      }
      board.tick();
    }
    return board;
  }

  @Test
  void servesThePageTheChartLibraryAndTheStatus() throws Exception {
    StatusBoard board = filledBoard();
    try (DashboardServer server = new DashboardServer(0, board::snapshot).start()) {
      URI base = URI.create(server.url());
      assertThat(get(base.resolve("/")).statusCode()).isEqualTo(200); // redirect followed
      HttpResponse<String> page = get(base.resolve("/dashboard.html"));
      assertThat(page.body()).contains("uPlot.iife.min.js").contains("dashboard.js");
      assertThat(get(base.resolve("/webjars/uplot/1.6.30/dist/uPlot.iife.min.js")).statusCode())
          .isEqualTo(200);
      assertThat(get(base.resolve("/dashboard.js")).statusCode()).isEqualTo(200);

      HttpResponse<String> status = get(base.resolve("/api/status"));
      assertThat(status.headers().firstValue("Content-Type"))
          .hasValueSatisfying(v -> assertThat(v).startsWith("application/json"));
      JsonNode json = new ObjectMapper().readTree(status.body());
      assertThat(json.path("models")).hasSize(2);
      assertThat(json.path("models").get(0).path("versionsPublished").asInt()).isEqualTo(7);
      assertThat(json.path("series").path("t")).hasSize(60);
      assertThat(json.path("series").path("auc:dnn")).hasSize(60);
      assertThat(json.path("drifts").get(0).path("label").asText()).isEqualTo("flip category=1");
      assertThat(json.path("links").path("Flink web UI").asText()).startsWith("http://");
    }
  }

  @Test
  void theChartsRenderInHeadlessChromiumAndAnEmptyChartIsNamed() throws Exception {
    HeadlessChromium.assumeInstalled("the dashboard browser test");
    List<String> models = List.of("finalmlp", "dnn");
    List<DashboardBrowser.SeriesCheck> checks = DashboardBrowser.demoChecks(models, 60);
    // First a board that only ticks: nothing trained, served or labeled yet.
    StatusBoard idle = new StatusBoard(clock::get, events::get, 1000);
    models.forEach(idle::expectModel);
    for (int t = 0; t < 60; t++) {
      clock.addAndGet(1_000);
      idle.tick();
    }
    AtomicReference<StatusBoard> shown = new AtomicReference<>(idle);
    try (DashboardServer server = new DashboardServer(0, () -> shown.get().snapshot()).start();
        DashboardBrowser browser = DashboardBrowser.open(server.url())) {
      assertThatThrownBy(() -> browser.awaitCharts(checks, Duration.ofSeconds(5), () -> true))
          .hasMessageContaining("chart 'auc', series 'finalmlp': 0 values in 60 samples")
          .hasMessageContaining("chart 'throughput', series 'events/s': 60 values")
          .hasMessageContaining("chart 'versions', series 'refresh lag (s)'")
          .hasMessageContaining("chart 'labels', series 'labels/min'");

      shown.set(filledBoard());
      Map<DashboardBrowser.SeriesCheck, Duration> met =
          browser.awaitCharts(checks, Duration.ofSeconds(30), () -> true);
      assertThat(met).containsOnlyKeys(checks);
      assertThat(browser.read()).containsOnlyKeys(DashboardBrowser.CHARTS);
      browser.checkLayoutAndScreenshot(Path.of("target", "screenshots", "dashboard-fixture.png"));
    }
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    HttpClient follow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    return follow.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
