package org.ctrflow.launcher.process;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * A PID file for a process ctrflow started in the background. It records the process start time
 * next to the PID, so a PID the OS has since handed to another process is never mistaken for ours
 * (and never killed).
 */
public final class PidFile {

  private final Path path;

  public PidFile(Path path) {
    this.path = path;
  }

  public Path path() {
    return path;
  }

  /** Records {@code process} as the owner of this file. */
  public void write(ProcessHandle process) throws IOException {
    Files.createDirectories(path.toAbsolutePath().getParent());
    String started =
        process.info().startInstant().map(i -> Long.toString(i.toEpochMilli())).orElse("-");
    Files.writeString(path, process.pid() + " " + started + "\n", StandardCharsets.UTF_8);
  }

  /** The recorded process if it is still alive and is the one that was recorded. */
  public Optional<ProcessHandle> liveProcess() throws IOException {
    if (!Files.exists(path)) {
      return Optional.empty();
    }
    String[] parts = Files.readString(path, StandardCharsets.UTF_8).trim().split("\\s+");
    long pid;
    try {
      pid = Long.parseLong(parts[0]);
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    Optional<ProcessHandle> handle = ProcessHandle.of(pid).filter(ProcessHandle::isAlive);
    if (handle.isPresent() && parts.length > 1 && !parts[1].equals("-")) {
      Optional<Instant> start = handle.get().info().startInstant();
      long recorded = Long.parseLong(parts[1]);
      // Start times are reported with coarser precision than recorded on some systems.
      if (start.isPresent() && Math.abs(start.get().toEpochMilli() - recorded) > 1_000) {
        return Optional.empty();
      }
    }
    return handle;
  }

  /**
   * Stops the recorded process and its descendants: SIGTERM first, SIGKILL after {@code grace}.
   * Removes the file. Returns whether a live process was stopped.
   */
  public boolean stop(Duration grace) throws IOException {
    Optional<ProcessHandle> process = liveProcess();
    if (process.isPresent()) {
      terminate(process.get(), grace);
    }
    Files.deleteIfExists(path);
    return process.isPresent();
  }

  /** SIGTERM to a process and its descendants, then SIGKILL to whatever outlives {@code grace}. */
  public static void terminate(ProcessHandle process, Duration grace) {
    var descendants = process.descendants().toList();
    process.destroy();
    descendants.forEach(ProcessHandle::destroy);
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception timedOutOrInterrupted) {
      process.destroyForcibly();
    }
    descendants.stream().filter(ProcessHandle::isAlive).forEach(ProcessHandle::destroyForcibly);
    try {
      process.onExit().get(grace.toMillis(), TimeUnit.MILLISECONDS);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
