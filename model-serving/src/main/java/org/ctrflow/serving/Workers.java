package org.ctrflow.serving;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The server's supervised background workers: starts each one with the configured restart backoff
 * and tells readiness which are down. Each worker's owner stops it.
 */
final class Workers {

  private final ServingMetrics metrics;
  private final long firstBackoffMillis;
  private final List<SupervisedWorker> started = new CopyOnWriteArrayList<>();

  Workers(ServingMetrics metrics, ServingConfig config) {
    this.metrics = metrics;
    this.firstBackoffMillis = config.get(ServingConfig.WORKER_RESTART_BACKOFF_MILLIS);
  }

  SupervisedWorker start(String name, SupervisedWorker.Loop loop) {
    SupervisedWorker worker = new SupervisedWorker(name, loop, firstBackoffMillis, metrics);
    started.add(worker);
    worker.start();
    return worker;
  }

  /** The names of the workers waiting to be restarted; empty when all run. */
  List<String> down() {
    return started.stream()
        .filter(w -> w.running() && !w.up())
        .map(SupervisedWorker::name)
        .toList();
  }
}
