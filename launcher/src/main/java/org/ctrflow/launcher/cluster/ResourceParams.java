package org.ctrflow.launcher.cluster;

import static java.util.stream.Collectors.joining;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
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
    GET_JM_RESOURCE_PARAMS("--jm-memory"),
    GET_TM_RESOURCE_PARAMS("--tm-memory");

    /** The option that sets this process' memory, for error messages. */
    final String memoryOption;

    Kind(String memoryOption) {
      this.memoryOption = memoryOption;
    }
  }

  /**
   * Runs BashJavaUtils for every {@link Kind} in short child JVMs, side by side (each takes a
   * second or more of JVM start-up); in-process it would log into the launcher's console, and its
   * result methods are private.
   */
  public static Map<Kind, ResourceParams> compute(Path confDir, String classpath)
      throws ClusterException, IOException, InterruptedException {
    Map<Kind, Process> running = new EnumMap<>(Kind.class);
    Map<Kind, Path> outputs = new EnumMap<>(Kind.class);
    try {
      for (Kind kind : Kind.values()) {
        // Output goes to a file so that a hung child cannot block us past the timeout.
        outputs.put(kind, Files.createTempFile("ctrflow-" + kind, ".out"));
        List<String> command =
            ChildJvm.of(BashJavaUtils.class.getName())
                .classpath(classpath)
                .args(List.of(kind.name(), "--configDir", confDir.toString()))
                .command();
        running.put(
            kind,
            new ProcessBuilder(command)
                .redirectErrorStream(true)
                .redirectOutput(outputs.get(kind).toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                .start());
      }
      Map<Kind, ResourceParams> params = new EnumMap<>(Kind.class);
      for (Kind kind : Kind.values()) {
        params.put(kind, await(kind, running.get(kind), outputs.get(kind), confDir));
      }
      return params;
    } finally {
      running.values().forEach(Process::destroyForcibly);
      for (Path output : outputs.values()) {
        Files.deleteIfExists(output);
      }
    }
  }

  private static ResourceParams await(Kind kind, Process process, Path outputFile, Path confDir)
      throws ClusterException, IOException, InterruptedException {
    if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
      throw new IOException(kind + " did not finish within " + TIMEOUT_SECONDS + " s");
    }
    String output = Files.readString(outputFile, StandardCharsets.UTF_8);
    if (process.exitValue() != 0) {
      // Flink's message says which memory component does not fit; its stack trace says nothing.
      String reason =
          output.lines().filter(line -> !line.startsWith("\tat ")).collect(joining("\n")).strip();
      throw new ClusterException(
          "Flink rejected the memory settings in "
              + confDir.resolve(FlinkConfigFiles.CONFIG_FILE)
              + " ("
              + kind
              + "); give the process more memory with "
              + kind.memoryOption
              + ", e.g. "
              + kind.memoryOption
              + " 2g:\n"
              + reason);
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
