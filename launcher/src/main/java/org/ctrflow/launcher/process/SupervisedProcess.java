package org.ctrflow.launcher.process;

import java.io.IOException;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.function.BooleanSupplier;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Worker;

/**
 * A background process as a {@link Worker}: under a {@link Supervisor}, a process that exits (a
 * crash, a {@code kill -9}) is started again the same way, after the supervisor's backoff, as a
 * Kubernetes controller restarts a container that died. What a restart may not repair (lost data, a
 * wrong setting) stays the process's own business: it starts from its own state, as after a reboot.
 */
public final class SupervisedProcess implements Worker {

  /** Starts the process (the same way each time) and returns once it runs. */
  @FunctionalInterface
  public interface Launch {
    ProcessHandle start() throws IOException, InterruptedException;
  }

  private final Launch launch;
  private final Duration stopGrace;
  private final BooleanSupplier serves;
  private volatile ProcessHandle first;
  private volatile ProcessHandle current;
  private volatile boolean stopped;

  /**
   * @param running the process as already started, or null to start it on the first run
   * @param launch how to start it again
   * @param stopGrace how long a stop waits after SIGTERM before it sends SIGKILL
   * @param serves whether the running process serves (e.g. its readiness endpoint answers 200);
   *     until it does, the supervisor counts it as starting
   */
  public SupervisedProcess(
      ProcessHandle running, Launch launch, Duration stopGrace, BooleanSupplier serves) {
    this.first = running;
    this.current = running;
    this.launch = Objects.requireNonNull(launch, "launch");
    this.stopGrace = stopGrace;
    this.serves = Objects.requireNonNull(serves, "serves");
  }

  /** The process now running, if any. */
  public Optional<ProcessHandle> current() {
    return Optional.ofNullable(current).filter(ProcessHandle::isAlive);
  }

  @Override
  public void run(Runnable heartbeat) throws IOException, InterruptedException {
    ProcessHandle process = first != null ? first : launch.start();
    first = null;
    current = process;
    if (stopped) {
      PidFile.terminate(process, stopGrace);
      return;
    }
    try {
      process.onExit().get();
    } catch (ExecutionException e) {
      throw new IOException("cannot watch pid " + process.pid(), e);
    }
    if (!stopped) {
      throw new IOException("pid " + process.pid() + " exited");
    }
  }

  @Override
  public boolean ready() {
    return current().isPresent() && serves.getAsBoolean();
  }

  @Override
  public void stop() {
    stopped = true;
    ProcessHandle process = current;
    if (process != null) {
      PidFile.terminate(process, stopGrace);
    }
  }
}
