package org.ctrflow.launcher.demo;

import java.io.PrintWriter;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Everything the demo started, stopped in reverse order of starting: the parts started last depend
 * on those started first (the jobs on the broker, the labeler on the queue). Closing is idempotent
 * and safe from the shutdown hook and the main thread at once; one part failing to stop does not
 * keep the others running.
 */
final class StopList implements AutoCloseable {

  /** One started part. */
  @FunctionalInterface
  interface Stoppable {
    void stop() throws Exception;
  }

  private record Entry(String name, Stoppable stoppable) {}

  private final Deque<Entry> started = new ArrayDeque<>();
  private final PrintWriter log;

  StopList(PrintWriter log) {
    this.log = log;
  }

  /** Records a started part; returns it for chaining. */
  synchronized <T> T add(String name, T part, Stoppable stop) {
    started.push(new Entry(name, stop));
    return part;
  }

  synchronized void add(String name, Stoppable stop) {
    started.push(new Entry(name, stop));
  }

  /** How many parts are still running. */
  synchronized int size() {
    return started.size();
  }

  /** Stops every part, last started first; later calls find nothing left to stop. */
  @Override
  public synchronized void close() {
    while (!started.isEmpty()) {
      Entry entry = started.pop();
      try {
        entry.stoppable().stop();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        log.println("demo: interrupted while stopping " + entry.name());
      } catch (Exception e) {
        log.println("demo: stopping " + entry.name() + " failed: " + e);
      }
    }
    log.flush();
  }
}
