package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
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
  void theChartsRenderInHeadlessChromium() throws Exception {
    DashboardBrowser.assumeChromium();
    StatusBoard board = filledBoard();
    try (DashboardServer server = new DashboardServer(0, board::snapshot).start()) {
      Map<String, Long> points =
          DashboardBrowser.check(
              server.url(), 60, Path.of("target", "screenshots", "dashboard-fixture.png"));
      assertThat(points).containsOnlyKeys(DashboardBrowser.CHARTS);
    }
  }

  private HttpResponse<String> get(URI uri) throws Exception {
    HttpClient follow = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NORMAL).build();
    return follow.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
  }
}
