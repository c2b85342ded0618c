package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.ctrflow.launcher.process.PidFile;

/**
 * The demo's state: one fresh directory per run under {@code <state dir>/demo/}, holding the
 * broker's data, the model store, the queue's RocksDB, Flink's checkpoints, every log and a PID
 * file per process started. A new run first stops whatever an earlier run that died without
 * cleaning up left alive (recognised by its PID files, which record start times, so a recycled PID
 * is never killed), then deletes all but the newest earlier runs, whose logs it keeps.
 */
final class RunDirectory {

  static final String DEMO_PID = "demo.pid";
  private static final String PIDS = "pids";
  private static final int KEEP_OLD_RUNS = 2;
  private static final Duration STOP_GRACE = Duration.ofSeconds(10);
  private static final DateTimeFormatter NAME =
      DateTimeFormatter.ofPattern("'run-'yyyyMMdd-HHmmss-SSS");

  private final Path dir;

  private RunDirectory(Path dir) {
    this.dir = dir;
  }

  /**
   * Prepares a fresh run directory under {@code stateDir/demo}.
   *
   * @throws IllegalStateException when another demo is running on the same state directory
   */
  static RunDirectory create(Path stateDir, PrintWriter log) throws IOException {
    Path demo = stateDir.resolve("demo");
    Files.createDirectories(demo);
    List<Path> earlier = earlierRuns(demo);
    for (Path run : earlier) {
      Optional<ProcessHandle> live = new PidFile(run.resolve(DEMO_PID)).liveProcess();
      if (live.isPresent() && live.get().pid() != ProcessHandle.current().pid()) {
        throw new IllegalStateException(
            "another ctrflow demo (pid "
                + live.get().pid()
                + ") is running with state in "
                + run
                + "; stop it (Ctrl-C in its terminal, or kill "
                + live.get().pid()
                + ") or give this one another --state-dir");
      }
    }
    for (Path run : earlier) {
      stopLeftovers(run, log);
    }
    for (int i = 0; i < earlier.size() - KEEP_OLD_RUNS; i++) {
      deleteTree(earlier.get(i));
    }
    Path dir = demo.resolve(LocalDateTime.now().format(NAME));
    Files.createDirectories(dir.resolve(PIDS));
    RunDirectory run = new RunDirectory(dir);
    new PidFile(dir.resolve(DEMO_PID)).write(ProcessHandle.current());
    return run;
  }

  Path path() {
    return dir;
  }

  /** A sub-directory, created if missing. */
  Path sub(String name) {
    Path p = dir.resolve(name);
    try {
      Files.createDirectories(p);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create " + p, e);
    }
    return p;
  }

  Path log(String name) {
    return sub("logs").resolve(name + ".log");
  }

  /** The PID file of a child process this run starts. */
  PidFile pidFile(String name) {
    return new PidFile(dir.resolve(PIDS).resolve(name + ".pid"));
  }

  /** The child processes this run recorded that are still alive. */
  List<ProcessHandle> liveChildren() throws IOException {
    return liveIn(dir);
  }

  /** Earlier runs, oldest first (their names sort by start time). */
  private static List<Path> earlierRuns(Path demo) throws IOException {
    try (Stream<Path> runs = Files.list(demo)) {
      return runs.filter(p -> p.getFileName().toString().startsWith("run-"))
          .filter(Files::isDirectory)
          .sorted(Comparator.comparing(p -> p.getFileName().toString()))
          .toList();
    }
  }

  private static void stopLeftovers(Path run, PrintWriter log) throws IOException {
    for (ProcessHandle leftover : liveIn(run)) {
      log.println(
          "demo: stopping pid " + leftover.pid() + " left running by the earlier run " + run);
      PidFile.terminate(leftover, STOP_GRACE);
    }
  }

  /** Every process recorded by a PID file anywhere under the run, the demo's own excepted. */
  static List<ProcessHandle> liveIn(Path run) throws IOException {
    try (Stream<Path> files = Files.walk(run)) {
      List<Path> all =
          files
              .filter(p -> p.toString().endsWith(".pid"))
              .filter(p -> !p.getFileName().toString().equals(DEMO_PID))
              .sorted()
              .toList();
      List<ProcessHandle> live = new ArrayList<>();
      for (Path file : all) {
        new PidFile(file).liveProcess().ifPresent(live::add);
      }
      return live;
    }
  }

  static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
            Files.delete(d);
            return FileVisitResult.CONTINUE;
          }
        });
  }
}
