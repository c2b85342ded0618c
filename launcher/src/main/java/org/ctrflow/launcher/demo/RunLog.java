package org.ctrflow.launcher.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.logging.log4j.core.Appender;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.appender.FileAppender;
import org.apache.logging.log4j.core.config.AppenderRef;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.LoggerConfig;
import org.apache.logging.log4j.core.layout.PatternLayout;

/**
 * Sends everything logged in the demo's JVM (the Flink MiniCluster and the jobs' clients, the
 * in-JVM Kafka broker, DJL) to a file in the run directory instead of the console: the console is
 * the demo's own, its progress, status lines and summary, whether it is a terminal, a file or a
 * pipe. The child JVMs log to files of their own there already. The loggers' levels (log4j2.xml)
 * stay as they are; closing puts the console back, for a JVM that goes on after a demo (the demo's
 * own ends with it and never closes it).
 */
final class RunLog implements AutoCloseable {

  /** The log's name in the run directory's {@code logs/}. */
  static final String NAME = "demo";

  private static final String APPENDER = "demo-run-log";
  private static final String PATTERN = "%d{yyyy-MM-dd HH:mm:ss,SSS} %-5level [%t] %c - %msg%n";

  /** An appender a logger had, with its reference's level and filter, if configured. */
  private record Moved(LoggerConfig logger, Appender appender, AppenderRef ref) {}

  private final LoggerContext context;
  private final FileAppender file;
  private final List<Moved> moved;

  private RunLog(LoggerContext context, FileAppender file, List<Moved> moved) {
    this.context = context;
    this.file = file;
    this.moved = moved;
  }

  /** Moves every logger's appenders aside; the root logger appends to {@code path} instead. */
  static RunLog redirect(Path path) {
    LoggerContext context = LoggerContext.getContext(false);
    Configuration config = context.getConfiguration();
    FileAppender file =
        FileAppender.newBuilder()
            .setName(APPENDER)
            .withFileName(path.toString())
            .withAppend(true)
            .setLayout(
                PatternLayout.newBuilder().withPattern(PATTERN).withConfiguration(config).build())
            .setConfiguration(config)
            .build();
    file.start();
    config.addAppender(file);
    List<Moved> moved = new ArrayList<>();
    List<LoggerConfig> loggers = new ArrayList<>(config.getLoggers().values());
    if (!loggers.contains(config.getRootLogger())) {
      loggers.add(config.getRootLogger());
    }
    for (LoggerConfig logger : loggers) {
      for (Appender appender : List.copyOf(logger.getAppenders().values())) {
        AppenderRef ref =
            logger.getAppenderRefs().stream()
                .filter(r -> r.getRef().equals(appender.getName()))
                .findFirst()
                .orElse(null);
        moved.add(new Moved(logger, appender, ref));
        logger.removeAppender(appender.getName());
      }
    }
    config.getRootLogger().addAppender(file, null, null);
    context.updateLoggers();
    return new RunLog(context, file, moved);
  }

  /** Gives the loggers their appenders back. */
  @Override
  public void close() {
    context.getConfiguration().getRootLogger().removeAppender(APPENDER);
    for (Moved m : moved) {
      m.logger()
          .addAppender(
              m.appender(),
              m.ref() == null ? null : m.ref().getLevel(),
              m.ref() == null ? null : m.ref().getFilter());
    }
    context.updateLoggers();
    file.stop();
  }
}
