package org.ctrflow.connectors.supervision;

/**
 * A background loop of a service (a Kafka consumer, a publisher, a dispatcher, a batcher), run,
 * restarted after a failure and watched by a {@link Supervisor}.
 */
public interface Worker {

  /**
   * Does the work until {@link #stop()} is called, then returns; a failure throws, and returning
   * before {@link #stop()} counts as a failure too. After a failure the supervisor calls it again
   * on the same thread, so it acquires what it needs (clients, connections) on every call and
   * releases it before returning or throwing.
   *
   * @param heartbeat to call after each unit of progress (a poll, a round, a transaction); under a
   *     supervisor with a stall timeout, a worker that does not call it within the timeout counts
   *     as down
   */
  void run(Runnable heartbeat) throws Exception;

  /** Whether it can serve, beyond being alive (e.g. it holds partitions); true by default. */
  default boolean ready() {
    return true;
  }

  /** Asks {@link #run} to return soon; called from another thread, once. */
  void stop();
}
