package org.ctrflow.labelqueue;

import org.ctrflow.connectors.supervision.Worker;

/** Once a second, returns ended leases to pending and expires tasks past their TTL. */
final class LeaseReaper implements Worker {

  private static final long PERIOD_MS = 1000;

  private final TaskQueue queue;
  private volatile boolean running = true;

  LeaseReaper(TaskQueue queue) {
    this.queue = queue;
  }

  @Override
  public void run(Runnable heartbeat) throws InterruptedException {
    while (running) {
      queue.reap(System.currentTimeMillis());
      heartbeat.run();
      synchronized (this) {
        if (running) {
          wait(PERIOD_MS);
        }
      }
    }
  }

  @Override
  public synchronized void stop() {
    running = false;
    notifyAll();
  }
}
