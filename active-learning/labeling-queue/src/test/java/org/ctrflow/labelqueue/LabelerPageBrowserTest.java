package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.testing.HeadlessChromium;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.interactions.Actions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Opens the labeler page in headless Chromium, labels three tasks with the keyboard (c, n, c) and
 * checks the labels reached the human-labels topic. Skips when Debian's chromium or chromium-driver
 * is not installed ({@link HeadlessChromium}).
 */
@Timeout(120)
class LabelerPageBrowserTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  @TempDir Path dir;

  @Test
  void labelsThreeTasksWithTheKeyboard() throws Exception {
    HeadlessChromium.assumeInstalled("the labeler browser test");
    QueueTestKit kit = new QueueTestKit(KAFKA.cluster());
    try (LabelQueueService service = kit.start(kit.options(dir.resolve("db")), null)) {
      kit.produce(
          List.of(
              QueueTestKit.request("b1", 0.9),
              QueueTestKit.request("b2", 0.8),
              QueueTestKit.request("b3", 0.7)));
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  service.queue().counts().values().stream().mapToLong(Long::longValue).sum() == 3);

      WebDriver driver = HeadlessChromium.start();
      try {
        driver.get(
            "http://127.0.0.1:"
                + service.port()
                + "/labeler.html#token="
                + QueueTestKit.ALICE_TOKEN);
        WebDriverWait wait = new WebDriverWait(driver, Duration.ofSeconds(20));
        List<String> seen = new ArrayList<>();
        String[] keys = {"c", "n", "c"};
        for (String key : keys) {
          WebElement task =
              wait.until(
                  d -> {
                    var found = d.findElements(By.id("task"));
                    return found.isEmpty()
                            || seen.contains(found.get(0).getAttribute("data-sample-id"))
                        ? null
                        : found.get(0);
                  });
          String sample = task.getAttribute("data-sample-id");
          assertThat(driver.findElement(By.id("why")).getText()).contains("least-confidence");
          seen.add(sample);
          new Actions(driver).sendKeys(key).perform();
          wait.until(
              d ->
                  d.findElement(By.id("labeled-count"))
                      .getText()
                      .equals(Integer.toString(seen.size())));
        }
        wait.until(d -> !d.findElements(By.id("empty")).isEmpty());
        assertThat(seen).containsExactly("b1", "b2", "b3");
        wait.until(d -> d.findElement(By.id("throughput")).getText().equals("3"));
      } finally {
        driver.quit();
      }
      List<HumanLabel> labels = kit.humanLabels(3, Duration.ofSeconds(30));
      assertThat(labels)
          .extracting(HumanLabel::sampleId, HumanLabel::label, HumanLabel::labeler)
          .containsExactlyInAnyOrder(
              org.assertj.core.groups.Tuple.tuple("b1", 1, "alice"),
              org.assertj.core.groups.Tuple.tuple("b2", 0, "alice"),
              org.assertj.core.groups.Tuple.tuple("b3", 1, "alice"));
    }
  }
}
