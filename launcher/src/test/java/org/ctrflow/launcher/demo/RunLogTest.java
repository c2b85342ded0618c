package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.AbstractAppender;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.apache.logging.log4j.core.config.Property;
import org.apache.logging.log4j.core.config.xml.XmlConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the libraries log during a demo goes to its run directory, never to the console. */
@Timeout(30)
class RunLogTest {

  @TempDir Path dir;

  private static final String COLLISION =
      "Name collision: Group already contains a Metric with the name '{}'. Metric will not be"
          + " reported.[, taskmanager, tm-1, ctrflow training, dead letters: Committer, 0]";

  /** Stands for the console: collects what reaches it. */
  private static final class Console extends AbstractAppender {
    final List<String> lines = new CopyOnWriteArrayList<>();

    Console() {
      super("test-console", null, null, true, Property.EMPTY_ARRAY);
    }

    @Override
    public void append(LogEvent event) {
      lines.add(event.getLoggerName() + ": " + event.getMessage().getFormattedMessage());
    }
  }

  @Test
  void whileTheDemoRunsLibrariesLogToTheRunDirectoryAndAfterwardsToTheConsoleAgain()
      throws Exception {
    LoggerContext context = LoggerContext.getContext(false);
    Console console = new Console();
    console.start();
    context.getConfiguration().getRootLogger().addAppender(console, null, null);
    context.updateLoggers();
    Path file = dir.resolve("logs/demo.log");
    try {
      RunLog log = RunLog.redirect(file);
      LogManager.getLogger("org.apache.flink.runtime.taskmanager.Task").warn("flink warns");
      LogManager.getLogger("org.apache.kafka.clients.producer.KafkaProducer").error("kafka errs");
      LogManager.getLogger("org.ctrflow.serving.ModelRefresher").info("version 3 available");
      log.close();
      LogManager.getLogger("org.apache.flink.runtime.taskmanager.Task").warn("after the demo");

      assertThat(console.lines)
          .containsExactly("org.apache.flink.runtime.taskmanager.Task: after the demo");
      String written = Files.readString(file, StandardCharsets.UTF_8);
      assertThat(written)
          .contains("WARN", "flink warns", "ERROR", "kafka errs", "version 3 available")
          .doesNotContain("after the demo");
    } finally {
      context.getConfiguration().getRootLogger().removeAppender(console.getName());
      context.updateLoggers();
      console.stop();
    }
  }

  /**
   * Flink's committers register {@code pendingCommittables} again at every checkpoint; the
   * launcher's log configuration drops that warning and keeps every other collision.
   */
  @Test
  void theLauncherConfigurationDropsOnlyFlinksRepeatedPendingCommittablesWarning()
      throws Exception {
    URL main = RunLog.class.getResource("/log4j2.xml");
    assertThat(main).as("the launcher's log4j2.xml").isNotNull();
    LoggerContext context = new LoggerContext("launcher-config");
    try (InputStream in = main.openStream()) {
      context.start(new XmlConfiguration(context, new ConfigurationSource(in, main)));
    }
    try {
      Console console = new Console();
      console.start();
      for (Appender a : context.getConfiguration().getRootLogger().getAppenders().values()) {
        context.getConfiguration().getRootLogger().removeAppender(a.getName());
      }
      context.getConfiguration().getRootLogger().addAppender(console, null, null);
      context.updateLoggers();

      var metricGroup = context.getLogger("org.apache.flink.metrics.MetricGroup");
      metricGroup.warn(COLLISION, "pendingCommittables");
      metricGroup.warn(COLLISION, "currentSendTime");

      assertThat(console.lines)
          .singleElement()
          .asString()
          .contains("'currentSendTime'")
          .doesNotContain("pendingCommittables");
    } finally {
      context.stop();
    }
  }
}
