package org.ctrflow.launcher.process;

import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Starts a background JVM (Kafka broker, Flink JobManager or TaskManager) from the launcher's own
 * class path, with the JVM flags the launcher itself was given (Flink's --add-opens list, DJL's
 * offline flags). Output goes to a log file; the PID goes to a {@link PidFile}. Environment
 * settings such as LD_PRELOAD and OMP_WAIT_POLICY are inherited.
 */
public final class ChildJvm {

  private final String mainClass;
  private final List<String> jvmOptions = new ArrayList<>();
  private final List<String> args = new ArrayList<>();
  private String classpath = System.getProperty("java.class.path");
  private Path logFile;
  private Path workDir;

  private ChildJvm(String mainClass) {
    this.mainClass = Objects.requireNonNull(mainClass, "mainClass");
  }

  public static ChildJvm of(String mainClass) {
    return new ChildJvm(mainClass);
  }

  /** Extra JVM options, e.g. heap size; added after the inherited ones so they win. */
  public ChildJvm jvmOptions(List<String> options) {
    jvmOptions.addAll(options);
    return this;
  }

  public ChildJvm args(List<String> programArgs) {
    args.addAll(programArgs);
    return this;
  }

  public ChildJvm classpath(String cp) {
    this.classpath = Objects.requireNonNull(cp, "classpath");
    return this;
  }

  public ChildJvm logFile(Path file) {
    this.logFile = file;
    return this;
  }

  public ChildJvm workDir(Path dir) {
    this.workDir = dir;
    return this;
  }

  /** The full command line this JVM would be started with. */
  public List<String> command() {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(inheritedJvmOptions());
    cmd.addAll(jvmOptions);
    cmd.add("-cp");
    cmd.add(classpath);
    cmd.add(mainClass);
    cmd.addAll(args);
    return cmd;
  }

  /** Starts the JVM in the background and records it in {@code pidFile}. */
  public Process start(PidFile pidFile) throws IOException {
    Objects.requireNonNull(logFile, "logFile must be set before start()");
    Files.createDirectories(logFile.toAbsolutePath().getParent());
    ProcessBuilder builder =
        new ProcessBuilder(command())
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(logFile.toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // The console descriptor is this JVM's; in a child the same number is some other file.
    builder.environment().remove(InheritedConsole.ENV);
    if (workDir != null) {
      Files.createDirectories(workDir);
      builder.directory(workDir.toFile());
    }
    Process process = builder.start();
    pidFile.write(process.toHandle());
    return process;
  }

  /**
   * The launcher's own flags that a child needs too: module opens/exports and ctrflow / DJL system
   * properties. Heap sizes, debuggers and agents are the launcher's alone.
   */
  public static List<String> inheritedJvmOptions() {
    return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
        .filter(
            a ->
                a.startsWith("--add-opens")
                    || a.startsWith("--add-exports")
                    || a.startsWith("-XX:+IgnoreUnrecognizedVMOptions")
                    || a.startsWith("-Dai.djl.")
                    || a.startsWith("-DOPT_OUT_TRACKING")
                    || a.startsWith("-Dctrflow."))
        .toList();
  }
}
