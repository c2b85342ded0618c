package org.ctrflow.labelqueue.worker;

/**
 * A background loop of the service (a Kafka consumer, a publisher, a dispatcher), run, restarted
 * after a failure and watched by a {@link Supervisor}.
 */
public interface Worker {

  /**
   * Does the work until {@link #stop()} is called, then returns; a failure throws. After a failure
   * the supervisor calls it again on the same thread, so it acquires what it needs (clients,
   * connections) on every call and releases it before returning or throwing.
   *
   * @param heartbeat to call after each unit of progress (a poll, a round, a transaction): a worker
   *     that does not call it within the stall timeout counts as down
   */
  void run(Runnable heartbeat) throws Exception;

  /** Whether it can serve, beyond being alive (e.g. it holds partitions); true by default. */
  default boolean ready() {
    return true;
  }

  /** Asks {@link #run} to return soon; called from another thread. */
  void stop();
}
