package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BooleanSupplier;
import org.ctrflow.connectors.testing.HeadlessChromium;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The dashboard in headless Chromium ({@link HeadlessChromium}): reads what each uPlot chart holds,
 * per series, waits until every {@link SeriesCheck} holds (or says which chart stayed empty, and
 * with what), checks the links and saves a screenshot.
 */
final class DashboardBrowser implements AutoCloseable {

  /** The charts the page draws, by element id. */
  static final List<String> CHARTS = List.of("auc", "logloss", "throughput", "versions", "labels");

  /** What one series of one chart holds: how many samples, how many of them have a value. */
  record Reading(long samples, long points, Double max) {}

  /**
   * A series of a chart (by its legend label) that must hold at least {@code minPoints} values and,
   * where {@code above} is set, at least one value greater than it (a series that is never null,
   * like queue depth, is full of zeros until something happens).
   */
  record SeriesCheck(String chart, String series, int minPoints, Double above) {

    /** Null when {@code r} meets this check, else what is missing. */
    String unmet(Reading r) {
      if (r == null) {
        return "no such series on the page";
      }
      boolean enough = r.points() >= minPoints;
      boolean high = above == null || (r.max() != null && r.max() > above);
      if (enough && high) {
        return null;
      }
      return r.points()
          + " values in "
          + r.samples()
          + " samples"
          + (above == null ? "" : ", largest " + r.max())
          + "; needs "
          + minPoints
          + " values"
          + (above == null ? "" : " and one above " + above);
    }

    @Override
    public String toString() {
      return chart + " / " + series;
    }
  }

  /**
   * What the demo's dashboard must show once it has run a while: each model's AUC and log loss over
   * time, a positive event rate, each model's version above 0, the served version and a refresh
   * lag, the queue depth and labels answered.
   */
  static List<SeriesCheck> demoChecks(List<String> models, int minPoints) {
    List<SeriesCheck> checks = new ArrayList<>();
    for (String m : models) {
      checks.add(new SeriesCheck("auc", m, minPoints, null));
      checks.add(new SeriesCheck("logloss", m, minPoints, null));
      checks.add(new SeriesCheck("versions", m, minPoints, 0.0));
    }
    checks.add(new SeriesCheck("throughput", "events/s", minPoints, 0.0));
    checks.add(new SeriesCheck("versions", "served version", minPoints, null));
    checks.add(new SeriesCheck("versions", "refresh lag (s)", 1, null));
    checks.add(new SeriesCheck("labels", "queue depth", minPoints, null));
    checks.add(new SeriesCheck("labels", "labels/min", 1, 0.0));
    return checks;
  }

  // Per chart id, per series label: {samples, points (non-null values), max}.
  private static final String READ =
      "const out = {};"
          + "for (const id of arguments[0]) {"
          + "  const c = window.dashboard && window.dashboard.charts[id];"
          + "  if (!c) continue;"
          + "  const u = c.chart, series = {};"
          + "  for (let i = 1; i < u.series.length; i++) {"
          + "    const v = (u.data[i] || []).filter(x => x !== null && x !== undefined);"
          + "    series[u.series[i].label] ="
          + "        [u.data[0].length, v.length, v.length ? Math.max(...v) : null];"
          + "  }"
          + "  out[id] = series;"
          + "}"
          + "return out;";

  private final ChromeDriver driver;

  private DashboardBrowser(ChromeDriver driver) {
    this.driver = driver;
  }

  /** Starts headless Chromium and loads {@code url}. */
  static DashboardBrowser open(String url) {
    ChromeDriver driver = HeadlessChromium.start();
    try {
      driver.manage().window().setSize(new Dimension(1400, 1300));
      driver.get(url);
      return new DashboardBrowser(driver);
    } catch (RuntimeException e) {
      driver.quit();
      throw e;
    }
  }

  /** Per chart, per series label, what the page's chart holds now. */
  @SuppressWarnings("unchecked")
  Map<String, Map<String, Reading>> read() {
    Map<String, Map<String, List<Number>>> raw =
        (Map<String, Map<String, List<Number>>>) driver.executeScript(READ, CHARTS);
    Map<String, Map<String, Reading>> out = new LinkedHashMap<>();
    raw.forEach(
        (chart, series) -> {
          Map<String, Reading> readings = new LinkedHashMap<>();
          series.forEach(
              (label, v) ->
                  readings.put(
                      label,
                      new Reading(
                          v.get(0).longValue(),
                          v.get(1).longValue(),
                          v.get(2) == null ? null : v.get(2).doubleValue())));
          out.put(chart, readings);
        });
    return out;
  }

  /**
   * Polls the charts once a second until every check holds; returns, per check, how long after the
   * call it first held. Fails, naming each unmet check with what its series held, when {@code
   * timeout} passes or {@code pageAlive} turns false (the server behind the page went away).
   */
  Map<SeriesCheck, Duration> awaitCharts(
      List<SeriesCheck> checks, Duration timeout, BooleanSupplier pageAlive)
      throws InterruptedException {
    long start = System.nanoTime();
    long deadline = start + timeout.toNanos();
    Map<SeriesCheck, Duration> metAfter = new LinkedHashMap<>();
    while (true) {
      Map<String, Map<String, Reading>> now = read();
      List<String> unmet = new ArrayList<>();
      for (SeriesCheck c : checks) {
        String why = c.unmet(now.getOrDefault(c.chart(), Map.of()).get(c.series()));
        if (why == null) {
          metAfter.putIfAbsent(c, Duration.ofNanos(System.nanoTime() - start));
        } else {
          unmet.add("chart '" + c.chart() + "', series '" + c.series() + "': " + why);
        }
      }
      if (unmet.isEmpty()) {
        return metAfter;
      }
      boolean alive = pageAlive.getAsBoolean();
      if (!alive || System.nanoTime() > deadline) {
        throw new AssertionError(
            "the dashboard's charts did not fill "
                + (alive
                    ? "within " + timeout.toSeconds() + " s"
                    : "before the page's server went away")
                + ":\n  "
                + String.join("\n  ", unmet)
                + "\nall series: "
                + now);
      }
      Thread.sleep(1_000);
    }
  }

  /** Every chart has a canvas, the links name the Flink web UI; a PNG of the page to {@code to}. */
  void checkLayoutAndScreenshot(Path to) throws Exception {
    for (String id : CHARTS) {
      assertThat(driver.findElements(By.cssSelector("#" + id + " canvas")))
          .as("canvas of chart %s", id)
          .isNotEmpty();
    }
    assertThat(driver.findElement(By.id("links")).getText()).contains("Flink web UI");
    Files.createDirectories(to.getParent());
    Files.write(to, driver.getScreenshotAs(OutputType.BYTES));
  }

  @Override
  public void close() {
    driver.quit();
  }
}
