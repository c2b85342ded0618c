package org.ctrflow.launcher.labelqueue;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/**
 * The labeling queue's class path: its jar and the runtime jars Maven copied beside it at package
 * time ({@code active-learning/labeling-queue/target/ctrflow-labeling-queue.jar} and {@code
 * target/lib}), nothing of the launcher's own class path. The queue uses rocksdbjni, which must
 * never meet Flink's frocksdbjni (../shared/STACK.md), so it always runs in a child JVM built from
 * this class path, and this class refuses one that holds Flink.
 */
public final class QueueClasspath {

  /** Environment variable naming another queue build directory (with the jar and lib/). */
  public static final String HOME_ENV = "CTRFLOW_LABEL_QUEUE_HOME";

  static final String JAR = "ctrflow-labeling-queue.jar";

  private QueueClasspath() {}

  /** The queue's build directory: {@code $CTRFLOW_LABEL_QUEUE_HOME}, else under ctrflow.home. */
  public static Path home() {
    String env = System.getenv(HOME_ENV);
    if (env != null && !env.isBlank()) {
      return Path.of(env);
    }
    String ctrflowHome = System.getProperty("ctrflow.home", ".");
    return Path.of(ctrflowHome, "active-learning", "labeling-queue", "target");
  }

  /**
   * The class path in {@code dir}.
   *
   * @throws IllegalStateException when the jar or lib/ is missing (not built) or lib/ holds Flink
   */
  public static String of(Path dir) {
    Path jar = dir.resolve(JAR);
    Path lib = dir.resolve("lib");
    if (!Files.isRegularFile(jar) || !Files.isDirectory(lib)) {
      throw new IllegalStateException(
          "the labeling queue is not built: expected "
              + jar
              + " and "
              + lib
              + "; run bin/ctrflow (it builds it) or ./mvnw -pl active-learning/labeling-queue -am"
              + " package, or point "
              + HOME_ENV
              + " at a directory holding both");
    }
    List<String> entries = new ArrayList<>();
    entries.add(jar.toString());
    try (Stream<Path> jars = Files.list(lib)) {
      for (Path p : jars.filter(p -> p.toString().endsWith(".jar")).sorted().toList()) {
        String name = p.getFileName().toString();
        if (name.startsWith("flink-") || name.startsWith("frocksdbjni")) {
          throw new IllegalStateException(
              lib
                  + " holds "
                  + name
                  + ": the labeling queue must run without Flink on its class path");
        }
        entries.add(p.toString());
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + lib, e);
    }
    return String.join(File.pathSeparator, entries);
  }
}
