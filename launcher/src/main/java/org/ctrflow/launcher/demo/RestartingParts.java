package org.ctrflow.launcher.demo;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.ctrflow.connectors.supervision.Supervisor;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.connectors.supervision.Worker;
import org.ctrflow.launcher.demo.StatusBoard.State;
import org.ctrflow.launcher.process.SupervisedProcess;

/**
 * The demo's parts that are started again when they end, under one {@link Supervisor}: the child
 * processes (the labeling queue; in cluster mode also the broker, the TaskManager and the model
 * server), restarted the way Kubernetes restarts a container that died, and the feeder, which
 * reconnects when its Kafka producer gave up. {@link #report} puts their states and restart counts
 * on the status board.
 */
final class RestartingParts implements AutoCloseable {

  /** 1 s before the first restart, doubling up to 30 s; a run of 30 s starts over. */
  static final Supervisor.Backoff BACKOFF =
      new Supervisor.Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));

  private record Part(
      Supervised supervised, SupervisedProcess process, String detail, String url) {}

  private final Map<String, AtomicInteger> restarts = new ConcurrentHashMap<>();
  private final Supervisor supervisor =
      new Supervisor(
          BACKOFF,
          name -> restarts.computeIfAbsent(name, n -> new AtomicInteger()).incrementAndGet());
  private final Map<String, Part> parts = new LinkedHashMap<>();

  /**
   * Supervises a child process.
   *
   * @param component its name on the status board (and its thread's)
   * @param running the process as already started, or null to start it now
   * @param serves whether it serves, beyond being alive
   * @param detail what the board says of it besides its pid, e.g. its address
   * @param url where the board links it, or null
   * @return its handle: closing it stops the process and its restarts
   */
  synchronized Supervised process(
      String component,
      ProcessHandle running,
      SupervisedProcess.Launch launch,
      Duration stopGrace,
      BooleanSupplier serves,
      String detail,
      String url) {
    SupervisedProcess process = new SupervisedProcess(running, launch, stopGrace, serves);
    Supervised supervised = supervisor.start(component, process);
    parts.put(component, new Part(supervised, process, detail, url));
    return supervised;
  }

  /** Supervises a worker of this JVM. */
  synchronized Supervised worker(String component, Worker worker, String detail) {
    Supervised supervised = supervisor.start(component, worker);
    parts.put(component, new Part(supervised, null, detail, null));
    return supervised;
  }

  /** The process of a supervised component, while one runs. */
  synchronized Optional<ProcessHandle> process(String component) {
    Part part = parts.get(component);
    return part == null || part.process() == null ? Optional.empty() : part.process().current();
  }

  int restarts(String component) {
    AtomicInteger n = restarts.get(component);
    return n == null ? 0 : n.get();
  }

  /** Whether every supervised part runs. */
  boolean allUp() {
    return supervisor.ready();
  }

  /** Each part's restarts so far, by component. */
  synchronized Map<String, Integer> restartCounts() {
    Map<String, Integer> out = new LinkedHashMap<>();
    parts.keySet().forEach(c -> out.put(c, restarts(c)));
    return out;
  }

  /** Puts every running part's state on the board: up, or starting again after a failure. */
  synchronized void report(StatusBoard board) {
    parts.forEach(
        (component, part) -> {
          Supervisor.State state = part.supervised().state();
          if (state == Supervisor.State.STOPPED) {
            return;
          }
          StringBuilder detail = new StringBuilder(part.detail());
          process(component).ifPresent(p -> detail.append(", pid ").append(p.pid()));
          int n = restarts(component);
          if (n > 0) {
            detail.append(", restarted ").append(n).append(n == 1 ? " time" : " times");
          }
          if (state == Supervisor.State.RESTARTING) {
            detail.append(" (restarting)");
          } else if (state != Supervisor.State.UP) {
            detail.append(" (starting)");
          }
          board.component(
              component,
              state == Supervisor.State.UP ? State.UP : State.STARTING,
              detail.toString(),
              part.url());
        });
  }

  /** Stops whatever is still supervised (each part's owner normally stops it first). */
  @Override
  public void close() {
    supervisor.close();
  }
}
