package org.ctrflow.launcher.demo;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.LongSupplier;

/**
 * Everything the status line, the dashboard and the summary show, gathered from the metrics and
 * model-updates topics, the model server's answers, the labeling queue's statistics and the demo's
 * own counters. Thread-safe: many watchers write, the ticker and the HTTP server read. {@link
 * #tick} turns counters into rates and appends one sample to the {@link Timeline}.
 */
final class StatusBoard {

  /** A component's state as the dashboard lists it. */
  enum State {
    STARTING,
    UP,
    FAILED,
    STOPPED
  }

  /** A component: its state, a detail line, and where it is reached, if anywhere. */
  record Component(String name, State state, String detail, String url) {}

  /** A drift step of the stream, at the wall-clock time the feeder crossed it. */
  record Drift(long timeMillis, String label) {}

  /** Where the served model stands. */
  record Served(
      String model, long version, int versionsServed, long firstVersion, Long lastRefreshLagMs) {}

  private static final long RATE_WINDOW_MS = 60_000;

  private final LongSupplier clock;
  private final LongSupplier events;
  private final Timeline timeline;
  private final Map<String, Component> components = new LinkedHashMap<>();
  private final Map<String, ModelProgress> models = new LinkedHashMap<>();
  private final Map<String, Set<Long>> publishedVersions = new HashMap<>();
  private final Map<String, Long> publishedAt = new HashMap<>();
  private final List<Drift> drifts = new ArrayList<>();
  private final Deque<Long> labelTimes = new ArrayDeque<>();
  private Served served;
  private long servedSinceMillis;
  private long queuePending;
  private long queueLabeled;
  private long labelsAnswered;
  private long humanExamples;
  private long humanExamplesTrained;
  private long lastEvents;
  private long lastTickMillis;
  private double eventsPerSecond;
  private final Map<String, String> links = new LinkedHashMap<>();

  /**
   * @param clock wall clock, epoch ms
   * @param events how many events the feeder has published so far
   * @param timelineCapacity samples kept for the charts
   */
  StatusBoard(LongSupplier clock, LongSupplier events, int timelineCapacity) {
    this.clock = clock;
    this.events = events;
    this.timeline = new Timeline(timelineCapacity);
    this.lastTickMillis = clock.getAsLong();
  }

  synchronized void component(String name, State state, String detail, String url) {
    components.put(name, new Component(name, state, detail, url));
  }

  synchronized void link(String name, String url) {
    links.put(name, url);
  }

  synchronized void expectModel(String model) {
    models.putIfAbsent(model, ModelProgress.empty(model));
  }

  /** A training report from the metrics topic. */
  synchronized void trainingReport(ModelProgress report) {
    int versions = publishedVersions.getOrDefault(report.model(), Set.of()).size();
    models.put(report.model(), report.withVersionsPublished(versions));
  }

  /**
   * A model version announced on the model-updates topic (any chunk of it). If the server already
   * answers with it, this completes the version's refresh lag (see {@link #servedVersion}).
   */
  synchronized void versionPublished(String model, long version, long publishedAtMillis) {
    Set<Long> versions = publishedVersions.computeIfAbsent(model, m -> new HashSet<>());
    if (versions.add(version)) {
      publishedAt.put(model + "@" + version, publishedAtMillis);
      ModelProgress p = models.getOrDefault(model, ModelProgress.empty(model));
      models.put(model, p.withVersionsPublished(versions.size()));
      if (served != null
          && served.model().equals(model)
          && served.version() == version
          && served.lastRefreshLagMs() == null) {
        served =
            new Served(
                model,
                version,
                served.versionsServed(),
                served.firstVersion(),
                Math.max(0, servedSinceMillis - publishedAtMillis));
      }
    }
  }

  /**
   * The model server answered a score request with this version. The first answer from a new
   * version gives its refresh lag: from its publication to its first served answer. The two are
   * heard of in either order: the server follows the model-updates topic uncommitted, the watcher
   * reads it committed, one checkpoint later, so the answer usually comes first and the lag is
   * completed by {@link #versionPublished}.
   */
  synchronized void servedVersion(String model, long version) {
    if (served != null && served.model().equals(model) && served.version() == version) {
      return;
    }
    long now = clock.getAsLong();
    Long published = publishedAt.get(model + "@" + version);
    Long lag = published == null ? null : Math.max(0, now - published);
    if (served == null || !served.model().equals(model)) {
      served = new Served(model, version, 1, version, lag);
      servedSinceMillis = now;
    } else if (version > served.version()) {
      served = new Served(model, version, served.versionsServed() + 1, served.firstVersion(), lag);
      servedSinceMillis = now;
    }
  }

  synchronized void queueStats(long pending, long labeled) {
    this.queuePending = pending;
    this.queueLabeled = labeled;
  }

  /** The simulated labeler answered one task. */
  synchronized void labelAnswered() {
    labelsAnswered++;
    labelTimes.addLast(clock.getAsLong());
  }

  /** Human-labeled examples on the labeled-examples topic, and how many training has consumed. */
  synchronized void humanExamples(long seen, long trained) {
    this.humanExamples = seen;
    this.humanExamplesTrained = trained;
  }

  synchronized void drift(String label) {
    drifts.add(new Drift(clock.getAsLong(), label));
  }

  /** Computes rates since the previous tick and appends one sample to the timeline. */
  synchronized void tick() {
    long now = clock.getAsLong();
    long total = events.getAsLong();
    long elapsed = now - lastTickMillis;
    if (elapsed > 0) {
      eventsPerSecond = (total - lastEvents) * 1000.0 / elapsed;
    }
    lastEvents = total;
    lastTickMillis = now;
    Map<String, Double> sample = new LinkedHashMap<>();
    sample.put("eventsPerSecond", eventsPerSecond);
    sample.put("queueDepth", (double) queuePending);
    sample.put("labelsPerMinute", labelsPerMinute(now));
    if (served != null) {
      sample.put("servedVersion", (double) served.version());
      if (served.lastRefreshLagMs() != null) {
        sample.put("refreshLagSeconds", served.lastRefreshLagMs() / 1000.0);
      }
    }
    for (ModelProgress p : models.values()) {
      sample.put("auc:" + p.model(), p.auc());
      sample.put("windowAuc:" + p.model(), p.windowAuc());
      sample.put("logLoss:" + p.model(), p.logLoss());
      sample.put("windowLogLoss:" + p.model(), p.windowLogLoss());
      sample.put("version:" + p.model(), (double) p.trainedVersion());
    }
    timeline.add(now, sample);
  }

  /** Labels answered over the last minute. */
  private double labelsPerMinute(long now) {
    while (!labelTimes.isEmpty() && labelTimes.peekFirst() < now - RATE_WINDOW_MS) {
      labelTimes.removeFirst();
    }
    return labelTimes.size();
  }

  /** Whether each of the named components is up. */
  synchronized boolean allUp(java.util.Collection<String> names) {
    return names.stream()
        .allMatch(n -> components.containsKey(n) && components.get(n).state() == State.UP);
  }

  /** Examples {@code model} learned from, by its last training report; 0 before one. */
  synchronized long examplesTrained(String model) {
    ModelProgress p = models.get(model);
    return p == null ? 0 : p.examplesTrained();
  }

  /** The whole state, for the JSON endpoint, the status line and the summary. */
  synchronized DemoStatus snapshot() {
    long now = clock.getAsLong();
    return new DemoStatus(
        now,
        eventsPerSecond,
        events.getAsLong(),
        List.copyOf(components.values()),
        List.copyOf(models.values()),
        served,
        queuePending,
        queueLabeled,
        labelsAnswered,
        labelsPerMinute(now),
        humanExamples,
        humanExamplesTrained,
        List.copyOf(drifts),
        Map.copyOf(links),
        timeline.columns());
  }
}
