package org.ctrflow.launcher.cluster;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.flink.runtime.util.bash.BashJavaUtils;
import org.ctrflow.launcher.process.ChildJvm;

/**
 * The memory settings of one cluster process, computed exactly as flink-dist's {@code
 * jobmanager.sh} / {@code taskmanager.sh} do: by running {@link BashJavaUtils} on the config
 * directory. {@code jvmArgs} are heap, direct and metaspace limits; {@code dynamicProperties} are
 * {@code -D key=value} program arguments fixing every derived memory size and the CPU cores, which
 * the TaskManager refuses to start without ({@code taskmanager.cpu.cores ... is not set}).
 */
public record ResourceParams(List<String> jvmArgs, List<String> dynamicProperties) {

  /** BashJavaUtils prints its results after this marker, one result per line. */
  static final String RESULT_PREFIX = "BASH_JAVA_UTILS_EXEC_RESULT:";

  private static final long TIMEOUT_SECONDS = 60;

  /** Which process to compute for, named as BashJavaUtils' commands are. */
  public enum Kind {
    GET_JM_RESOURCE_PARAMS,
    GET_TM_RESOURCE_PARAMS
  }

  /**
   * Runs BashJavaUtils in a short child JVM, as the scripts do; in-process it would log into the
   * launcher's console and its result methods are private.
   */
  public static ResourceParams compute(Kind kind, Path confDir, String classpath)
      throws IOException, InterruptedException {
    List<String> command =
        ChildJvm.of(BashJavaUtils.class.getName())
            .classpath(classpath)
            .args(List.of(kind.name(), "--configDir", confDir.toString()))
            .command();
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    process.getOutputStream().close();
    // Read before waiting: the child blocks once its output pipe is full.
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      process.destroyForcibly();
      throw new IOException(kind + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    if (process.exitValue() != 0) {
      throw new IOException(
          "Flink rejected the memory settings in "
              + confDir.resolve(FlinkConfigFiles.CONFIG_FILE)
              + " ("
              + kind
              + " exited with "
              + process.exitValue()
              + "):\n"
              + output.strip());
    }
    return parse(output);
  }

  /**
   * Parses BashJavaUtils' output: among any log lines, exactly two result lines, the JVM arguments
   * first, then the dynamic properties.
   */
  static ResourceParams parse(String output) {
    List<String> results =
        output
            .lines()
            .filter(line -> line.startsWith(RESULT_PREFIX))
            .map(line -> line.substring(RESULT_PREFIX.length()).strip())
            .toList();
    if (results.size() != 2) {
      throw new IllegalArgumentException(
          "expected 2 lines starting with "
              + RESULT_PREFIX
              + " (JVM arguments, then dynamic properties), got "
              + results.size()
              + " in:\n"
              + output.strip());
    }
    return new ResourceParams(tokens(results.get(0)), tokens(results.get(1)));
  }

  // Values never contain spaces: sizes are printed in bytes ("469762048b").
  private static List<String> tokens(String line) {
    return line.isEmpty() ? List.of() : Arrays.asList(line.split("\\s+"));
  }
}
