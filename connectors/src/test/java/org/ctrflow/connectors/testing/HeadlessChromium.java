package org.ctrflow.connectors.testing;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * Headless Chromium for the browser tests, from Debian's {@code chromium} and {@code
 * chromium-driver} packages ({@code .ci/run} installs both). Tests skip, saying what to install,
 * where they are absent. Callers add {@code selenium-chrome-driver} to their own test scope.
 */
public final class HeadlessChromium {

  public static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  public static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

  private HeadlessChromium() {}

  /** Whether both the browser and its driver are installed. */
  public static boolean installed() {
    return Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
  }

  /** Skips the test, naming {@code what} it skips, when Chromium or its driver is missing. */
  public static void assumeInstalled(String what) {
    assumeTrue(
        installed(),
        "skipping "
            + what
            + ": needs "
            + CHROMIUM
            + " and "
            + CHROMEDRIVER
            + " (apt-get install chromium chromium-driver; .ci/run does)");
  }

  /**
   * A new headless browser; the caller quits it. {@code --no-sandbox} because CI runs as root,
   * where Chromium's sandbox refuses to start; {@code --disable-dev-shm-usage} because containers
   * often have a tiny /dev/shm.
   */
  public static ChromeDriver start() {
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM.toFile());
    options.addArguments(
        "--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu");
    ChromeDriverService service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER.toFile())
            .usingAnyFreePort()
            .build();
    return new ChromeDriver(service, options);
  }
}
