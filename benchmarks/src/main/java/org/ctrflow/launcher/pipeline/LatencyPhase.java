package org.ctrflow.launcher.pipeline;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import org.HdrHistogram.Histogram;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.connectors.topics.Topic;

/**
 * Phase 2 of {@code ctrflow bench pipeline}: score requests at a fixed rate, and the time from
 * sending each to its prediction being readable {@code read_uncommitted} (processing) and {@code
 * read_committed} (an exactly-once consumer: the next checkpoint commits it). With the hop
 * baseline, also the time to read the request itself back from its topic: one Kafka hop with no job
 * in between, under the same load.
 */
final class LatencyPhase {

  private final String bootstrap;
  private final String prefix;
  private final int rate;
  private final int seconds;
  private final List<Probe> probes;

  LatencyPhase(String bootstrap, String prefix, int rate, int seconds, boolean hopBaseline) {
    this.bootstrap = bootstrap;
    this.prefix = prefix;
    this.rate = rate;
    this.seconds = seconds;
    this.probes = probes(hopBaseline);
  }

  /** One latency reader: what it reads and how a record names its request. */
  private record Probe(
      String label,
      Topic topic,
      String isolation,
      Function<byte[], String> requestId,
      Histogram latency) {}

  private static List<Probe> probes(boolean hopBaseline) {
    Function<byte[], String> prediction = v -> EventSerde.PREDICTION.deserialize(v).requestId();
    List<Probe> probes = new ArrayList<>();
    for (String isolation : List.of("read_uncommitted", "read_committed")) {
      probes.add(
          new Probe(
              "request -> prediction, " + isolation,
              Topic.PREDICTIONS,
              isolation,
              prediction,
              new Histogram(3)));
    }
    if (hopBaseline) {
      probes.add(
          new Probe(
              "request -> request topic only (one Kafka hop, no job)",
              Topic.SCORE_REQUESTS,
              "read_committed",
              v -> EventSerde.SCORE_REQUEST.deserialize(v).requestId(),
              new Histogram(3)));
    }
    return probes;
  }

  /**
   * Sends {@code rate} requests/s for {@code seconds} (features of {@code impressions}, in turn)
   * and waits until every probe has read every answer; a stalled stage ends the wait with an error.
   */
  void run(KafkaProducer<byte[], byte[]> producer, List<Impression> impressions, StageWatch watch)
      throws Exception {
    Map<String, Long> sentAt = new ConcurrentHashMap<>();
    int total = rate * seconds;
    CountDownLatch atEnd = new CountDownLatch(probes.size());
    AtomicBoolean stop = new AtomicBoolean();
    List<LatencyReader> readers = new ArrayList<>();
    for (Probe p : probes) {
      readers.add(
          new LatencyReader(
              bootstrap,
              p.topic().name(prefix),
              p.isolation(),
              p.requestId(),
              sentAt,
              p.latency(),
              atEnd,
              stop));
    }
    try {
      if (!atEnd.await(60, TimeUnit.SECONDS)) {
        throw new IllegalStateException(
            "latency readers were not at the end of their topics after 60 s");
      }
      long start = System.nanoTime();
      long gap = 1_000_000_000L / rate;
      for (int n = 0; n < total; n++) {
        LockSupport.parkNanos(start + n * gap - System.nanoTime());
        Impression i = impressions.get(n % impressions.size());
        String id = "lat-" + n;
        sentAt.put(id, System.nanoTime());
        PipelineBenchCommand.send(
            producer, new ScoreRequest(id, i.eventTime(), i.features(), i.numericFeatures()));
      }
      producer.flush();
      List<StageWatch.Stage> answered = new ArrayList<>();
      for (int r = 0; r < readers.size(); r++) {
        answered.add(
            new StageWatch.Stage(
                "answers, " + probes.get(r).label(), total, readers.get(r)::answered));
      }
      watch.await(answered, System.nanoTime() + TimeUnit.MINUTES.toNanos(5));
    } finally {
      stop.set(true);
      for (LatencyReader reader : readers) {
        reader.join(TimeUnit.SECONDS.toMillis(10));
      }
    }
  }

  /** One table row per probe: p50 / p99 / max. */
  void printRows() {
    probes.forEach(p -> row(p.label(), p.latency()));
  }

  private void row(String name, Histogram h) {
    System.out.printf(
        "| %s at %,d/s, %,d requests: p50 / p99 / max | %.1f / %.1f / %.1f ms (%,d answered) |%n",
        name,
        rate,
        rate * seconds,
        h.getValueAtPercentile(50) / 1e3,
        h.getValueAtPercentile(99) / 1e3,
        h.getMaxValue() / 1e3,
        h.getTotalCount());
  }
}
