package org.ctrflow.launcher.pipeline;

import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;

/** Records the latency of each answer it reads, on its own thread, until stopped. */
final class LatencyReader extends Thread {
  private final String bootstrap;
  private final String topic;
  private final String isolation;
  private final Function<byte[], String> requestId;
  private final Map<String, Long> sentAt;
  private final Histogram h;
  private final CountDownLatch atEnd;
  private final AtomicBoolean stop;
  private volatile long answered;

  LatencyReader(
      String bootstrap,
      String topic,
      String isolation,
      Function<byte[], String> requestId,
      Map<String, Long> sentAt,
      Histogram h,
      CountDownLatch atEnd,
      AtomicBoolean stop) {
    super("latency-" + isolation);
    this.bootstrap = bootstrap;
    this.topic = topic;
    this.isolation = isolation;
    this.requestId = requestId;
    this.sentAt = sentAt;
    this.h = h;
    this.atEnd = atEnd;
    this.stop = stop;
    setDaemon(true);
    start();
  }

  long answered() {
    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    return answered;
  }

  @Override
  public void run() {
    try (TopicCounter c = new TopicCounter(bootstrap, topic, isolation)) {
      c.seekToEnd();
      atEnd.countDown();
      while (!stop.get()) {
        c.poll(
            value -> {
              long now = System.nanoTime();
              Long sent = sentAt.get(requestId.apply(value));
              if (sent != null) {
                h.recordValue(TimeUnit.NANOSECONDS.toMicros(now - sent));
                answered++;
              }
            });
      }
    }
  }
}
