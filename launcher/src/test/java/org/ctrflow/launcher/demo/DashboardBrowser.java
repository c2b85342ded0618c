package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens the dashboard in headless Chromium (Debian's chromium and chromium-driver; the test is
 * skipped, saying so, without them), waits until every chart holds data, saves a screenshot.
 */
final class DashboardBrowser {

  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  /** The charts the page must draw. */
  static final List<String> CHARTS = List.of("auc", "logloss", "throughput", "versions", "labels");

  private DashboardBrowser() {}

  static void assumeChromium() {
    Assumptions.assumeTrue(
        Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER),
        "skipping the dashboard browser test: needs /usr/bin/chromium and /usr/bin/chromedriver"
            + " (apt-get install chromium chromium-driver; .ci/run does)");
  }

  /**
   * Loads {@code url}, waits until each chart has a series with at least {@code minPoints} values,
   * checks the links, saves a PNG to {@code screenshot}; returns the points per chart.
   */
  @SuppressWarnings("unchecked")
  static Map<String, Long> check(String url, int minPoints, Path screenshot) throws Exception {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    ChromeDriver driver = new ChromeDriver(service, options);
    try {
      driver.manage().window().setSize(new Dimension(1400, 1300));
      driver.get(url);
      // Per chart: the most non-null values any of its series holds.
      String script =
          "const out = {};"
              + "for (const id of arguments[0]) {"
              + "  const c = window.dashboard && window.dashboard.charts[id];"
              + "  if (!c) { out[id] = -1; continue; }"
              + "  out[id] = Math.max(0, ...c.chart.data.slice(1).map("
              + "      s => s.filter(v => v !== null && v !== undefined).length));"
              + "}"
              + "return out;";
      Map<String, Long>[] last = new Map[1];
      new WebDriverWait(driver, Duration.ofSeconds(60))
          .until(
              d -> {
                last[0] =
                    (Map<String, Long>) ((JavascriptExecutor) d).executeScript(script, CHARTS);
                return last[0].values().stream().allMatch(n -> n >= minPoints);
              });
      for (String id : CHARTS) {
        assertThat(driver.findElements(By.cssSelector("#" + id + " canvas"))).isNotEmpty();
      }
      assertThat(driver.findElement(By.id("links")).getText()).contains("Flink web UI");
      Files.createDirectories(screenshot.getParent());
      Files.write(screenshot, ((TakesScreenshot) driver).getScreenshotAs(OutputType.BYTES));
      return last[0];
    } finally {
      driver.quit();
    }
  }
}
