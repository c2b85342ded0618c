package org.ctrflow.launcher.demo;

import java.io.PrintWriter;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.replay.KafkaEventPublisher;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.launcher.demo.StatusBoard.State;
import org.ctrflow.launcher.demo.StopList.Stoppable;
import org.ctrflow.launcher.labelqueue.QueueClasspath;
import org.ctrflow.models.features.FeatureSchema;

/**
 * One run of {@code ctrflow demo}: starts every part in dependency order (broker and topics,
 * dashboard, Flink and the three jobs, model server, labeling queue, watchers, labeler, feeder),
 * each registered on a {@link StopList} the moment it runs, then ticks the status board once a
 * second until the duration ends, Ctrl-C, or (with {@code --faults}) the {@link FaultRun} ends;
 * stops everything, last started first, prints the summary and writes it as {@code summary.json} in
 * the run directory. The child processes (the queue; with {@code --cluster} also the broker, the
 * TaskManager and the model server) and the feeder are {@link RestartingParts}.
 */
final class DemoRun {

  private static final int TIMELINE_SECONDS = 3 * 3600;
  private static final int TRUTH_CAPACITY = 1_000_000;
  private static final int SCORE_EVERY = 4;
  private static final Duration JOB_CHECK = Duration.ofSeconds(5);
  private static final Duration QUIET_LINE_EVERY = Duration.ofSeconds(5);
  private static final Duration PART_STOP = Duration.ofSeconds(40);

  /** Component names on the status board, and of the supervised parts. */
  static final String BROKER = "kafka";

  static final String TASK_MANAGER = FlinkRuntime.TASK_MANAGER;
  static final String QUEUE = "labeling queue";
  static final String SERVER = "model server";
  static final String FEEDER = "feeder";

  private final DemoSettings settings;
  private final PrintWriter out;
  private final PrintWriter err;
  private final CountDownLatch stopRequested = new CountDownLatch(1);
  private final GroundTruth truth = new GroundTruth(TRUTH_CAPACITY);
  private volatile TrackingPublisher feed;
  private final StatusBoard board =
      new StatusBoard(System::currentTimeMillis, this::eventsPublished, TIMELINE_SECONDS);
  private StopList stops;
  private RunDirectory run;
  private FlinkRuntime flink;
  private RestartingParts parts;
  private final LoopAudit audit;
  private FaultRun faults;
  private DriftMarks drifts;
  private long startedNanos = System.nanoTime();
  private volatile long upNanos;

  DemoRun(DemoSettings settings, PrintWriter out, PrintWriter err) {
    this.settings = settings;
    this.out = out;
    this.err = err;
    this.audit = new LoopAudit(settings.faults());
  }

  private long eventsPublished() {
    TrackingPublisher f = feed;
    return f == null ? 0 : f.events();
  }

  /** Runs the demo; returns the exit code: 0, or 1 when a part failed. */
  int run() throws Exception {
    stops = new StopList(err);
    Thread hook = new Thread(this::onCtrlC, "demo-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    startedNanos = System.nanoTime();
    boolean healthy;
    try {
      run = RunDirectory.create(settings.stateDir(), err);
      Path log = run.log(RunLog.NAME);
      // Never handed back: the demo is the JVM's last work, and Flink's actor systems still log
      // while they shut down, after Ctrl-C even once the summary is out.
      RunLog.redirect(log);
      err.println(
          "ctrflow demo: state and logs in " + run.path() + " (Flink and Kafka: " + log + ")");
      startEverything();
      healthy = loop();
    } catch (Exception e) {
      err.println("ctrflow demo failed: " + e.getMessage());
      healthy = false;
    }
    finish();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // Ctrl-C: the hook is what called us to stop.
    }
    return healthy ? 0 : 1;
  }

  private void startEverything() throws Exception {
    String prefix = settings.topicPrefix();
    parts = new RestartingParts();
    stops.add("restarting parts", parts::close);
    step("Kafka broker");
    String bootstrap = KafkaRuntime.start(settings.sessionCluster(), run, parts, stops, board);
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }

    // The queue's JVM boots while the rest starts; it is waited for before the labeler needs it.
    step("labeling queue (own JVM)");
    LabelQueueProcess queue =
        LabelQueueProcess.create(
            QueueClasspath.home(),
            bootstrap,
            prefix,
            DemoPorts.preferred(8090),
            run.sub("label-queue").resolve("data"),
            settings.kafkaProperties(),
            run.log("label-queue"),
            run.pidFile("label-queue"));
    Supervised queueProcess = queue.supervise(parts);
    stops.add("labeling queue", () -> queueProcess.close(PART_STOP));
    parts.report(board);

    DashboardServer dashboard =
        new DashboardServer(DemoPorts.preferred(settings.dashboardPort()), board::snapshot).start();
    stops.add("dashboard", dashboard::close);
    board.component("dashboard", State.UP, dashboard.url(), dashboard.url());
    out.println("ctrflow demo: dashboard at " + dashboard.url());
    out.flush();

    TopicWatcher watcher = new TopicWatcher(board, bootstrap, prefix, prefix + "-training").start();
    stops.add("topic watcher", watcher::close);
    ScoreTraffic traffic =
        new ScoreTraffic(bootstrap, prefix, board, audit::scoreRequestAcknowledged);
    stops.add("score traffic", traffic::close);

    step(settings.sessionCluster() ? "Flink session cluster" : "Flink MiniCluster");
    flink =
        settings.sessionCluster()
            ? FlinkRuntime.sessionCluster(run.sub("flink"), err, parts)
            : FlinkRuntime.miniCluster(run.sub("flink-checkpoints"));
    stops.add("Flink", flink::close);
    board.link("Flink web UI", flink.restUrl().toString());

    Path modelStore = run.sub("models");
    FeatureSchema schema = DemoFeeds.schema(settings);
    DemoModels.JobFiles files =
        DemoModels.write(run.sub("config"), schema, settings.primaryModel());
    settings.models().forEach(board::expectModel);
    for (DemoJobs.Job job : DemoJobs.all(settings, bootstrap, modelStore, files)) {
      step(job.component());
      board.component(job.component(), State.STARTING, "submitted", flink.restUrl().toString());
      try {
        flink.submit(job.mainClass(), job.args(), DemoJobs.environment());
      } catch (Exception e) {
        board.component(job.component(), State.FAILED, String.valueOf(e.getMessage()), null);
        throw e;
      }
    }

    // Feeding starts once the jobs are submitted, not before Flink: a stream fed during start-up
    // (45-70 s for a session cluster) is a backlog of 15,000-20,000 events the jobs must first
    // catch up on, and how the run went then depended on how long start-up took
    // (docs/concepts/jobs.md,
    // "Catching up on a backlog").
    step("feeding " + DemoFeeds.describe(settings));
    GeneratorConfig generator = DemoFeeds.generator(settings);
    feed = new TrackingPublisher(truth, SCORE_EVERY, traffic);
    stops.add("event publisher", feed::close);
    StreamFeeder feeder =
        new StreamFeeder(
            DemoFeeds.source(settings, generator),
            feed,
            () ->
                new KafkaEventPublisher(
                    bootstrap,
                    prefix,
                    KafkaEventPublisher.DEFAULT_TIMEOUT,
                    audit::impressionAcknowledged));
    Supervised feeding = parts.worker(FEEDER, feeder, DemoFeeds.describe(settings));
    stops.add("feeder", () -> feeding.close(PART_STOP));
    drifts = new DriftMarks(settings.synthetic() ? generator.drift() : DriftScript.none(), board);

    step("model server");
    URI serverUrl =
        ModelServerRuntime.start(settings, bootstrap, modelStore, run, parts, stops, board);
    board.link("model server metrics", serverUrl + "metrics");

    traffic.probe(serverUrl, settings.primaryModel());
    queue.awaitReady();
    board.link("labeler page", queue.labelerPage());
    board.link("labeling queue metrics", queue.url() + "metrics");
    out.println("ctrflow demo: labeler page at " + queue.labelerPage());
    out.flush();
    SimulatedLabeler labeler =
        new SimulatedLabeler(
                new QueueClient(queue.url(), queue.botToken()),
                truth,
                board,
                settings.labelDelay(),
                settings.autoLabel(),
                audit::labelAcknowledged)
            .start();
    stops.add("labeler", labeler::close);
    board.component(
        "labeler",
        State.UP,
        settings.autoLabel()
            ? "simulated, " + settings.labelDelay().toMillis() + " ms per label"
            : "off (--no-auto-label): label on the labeler page",
        null);
    parts.report(board);
    if (settings.faults()) {
      Stoppable stopFeeding =
          () -> {
            feeding.close(PART_STOP);
            labeler.close();
          };
      faults =
          FaultRun.start(settings, parts, board, audit, traffic, stopFeeding, bootstrap, run, out);
    }
  }

  private void step(String what) {
    err.println("ctrflow demo: starting " + what + "...");
    err.flush();
  }

  /** Ticks until the duration ends or Ctrl-C; returns whether every part stayed up. */
  private boolean loop() throws Exception {
    JobMonitor jobs = new JobMonitor(flink, board);
    boolean terminal = System.console() != null;
    long nextJobCheck = 0;
    long nextQuietLine = 0;
    // --duration counts from the moment everything is up, so a slow start does not eat the run.
    upNanos = System.nanoTime();
    err.printf(
        "ctrflow demo: everything is up after %.1f s; %s%n",
        (upNanos - startedNanos) / 1e9,
        settings.duration() == null
            ? "Ctrl-C stops it"
            : "running " + settings.duration().toSeconds() + " s");
    long end =
        settings.duration() == null ? Long.MAX_VALUE : upNanos + settings.duration().toNanos();
    while (System.nanoTime() < end) {
      if (stopRequested.await(1, TimeUnit.SECONDS)) {
        break;
      }
      board.tick();
      drifts.check(feed.impressions());
      parts.report(board);
      if (faults != null && faults.done()) {
        break;
      }
      long now = System.nanoTime();
      if (now >= nextJobCheck) {
        jobs.check();
        nextJobCheck = now + JOB_CHECK.toNanos();
      }
      String line = StatusLine.format(board.snapshot());
      if (terminal) {
        err.print("\r" + line + "\u001b[K");
        err.flush();
      } else if (now >= nextQuietLine) {
        err.println(line);
        err.flush();
        nextQuietLine = now + QUIET_LINE_EVERY.toNanos();
      }
    }
    if (terminal) {
      err.println();
    }
    if (faults != null && !faults.done()) {
      board.component(
          FaultRun.COMPONENT, State.FAILED, "the run ended before the fault drill did", null);
    }
    jobs.check();
    return board.snapshot().components().stream().noneMatch(c -> c.state() == State.FAILED);
  }

  /** Summary (once), then stop everything and check that nothing is left running. */
  private synchronized void finish() {
    long now = System.nanoTime();
    Duration startup = Duration.ofNanos((upNanos == 0 ? now : upNanos) - startedNanos);
    Duration ran = Duration.ofNanos(upNanos == 0 ? 0 : now - upNanos);
    if (stops == null || (stops.size() == 0 && run == null)) {
      return;
    }
    DemoStatus last = board.snapshot();
    if (run != null) {
      SummaryTable.print(out, last, startup, ran);
    }
    stops.close();
    if (run != null) {
      try {
        List<ProcessHandle> alive = run.liveChildren();
        if (!alive.isEmpty()) {
          err.println("ctrflow demo: still alive after stopping: " + alive);
        }
        Files.writeString(
            run.path().resolve("summary.json"), DashboardServer.json(last), StandardCharsets.UTF_8);
      } catch (Exception e) {
        err.println("ctrflow demo: could not write the summary: " + e);
      }
    }
    run = null;
  }

  private void onCtrlC() {
    stopRequested.countDown();
    // The main thread prints the summary and stops everything; wait for it, or do it here.
    finish();
  }
}
