package org.ctrflow.launcher.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.ctrflow.launcher.demo.StatusBoard.State;

/**
 * The {@code --faults} part of a demo run, on a thread of its own: the {@link FaultDrill}, then the
 * end of feeding and labeling, a wait until the loop has drained, and the {@link LoopAudit}'s
 * counts, printed and written as {@code faults.json} in the run directory. Shown on the status
 * board as the component {@code faults}, FAILED when a fault was not recovered from or the counts
 * do not add up.
 */
final class FaultRun {

  static final String COMPONENT = "faults";

  /** How long the loop may take to drain once feeding stopped. */
  static final Duration DRAIN_TIMEOUT = Duration.ofMinutes(2);

  private static final Duration DRAIN_POLL = Duration.ofSeconds(5);

  /**
   * What {@code faults.json} holds.
   *
   * @param steps the faults, when each began and how long the loop took to recover
   * @param restarts restarts of each supervised part of the demo
   * @param counts the audit after draining, null when the drill failed
   * @param drainSeconds how long the loop took to drain
   * @param addsUp whether nothing acknowledged was lost or doubled
   * @param failure why the run failed, or null
   */
  record Report(
      List<FaultDrill.Step> steps,
      Map<String, Integer> restarts,
      LoopAudit.Counts counts,
      double drainSeconds,
      boolean addsUp,
      String failure) {}

  private final FaultDrill drill;
  private final FaultDrill.Loop loop;
  private final RestartingParts parts;
  private final LoopAudit audit;
  private final StopList.Stoppable stopFeeding;
  private final StatusBoard board;
  private final String bootstrap;
  private final String prefix;
  private final Path runDir;
  private final PrintWriter out;
  private volatile boolean done;

  private FaultRun(
      FaultDrill.Loop loop,
      Duration brokerPause,
      RestartingParts parts,
      LoopAudit audit,
      StopList.Stoppable stopFeeding,
      StatusBoard board,
      String bootstrap,
      String prefix,
      Path runDir,
      PrintWriter out) {
    this.drill = new FaultDrill(parts, loop, brokerPause);
    this.loop = loop;
    this.parts = parts;
    this.audit = audit;
    this.stopFeeding = stopFeeding;
    this.board = board;
    this.bootstrap = bootstrap;
    this.prefix = prefix;
    this.runDir = runDir;
    this.out = out;
  }

  /**
   * Starts the fault run of a demo whose parts all run: the drill watches the restarting parts, the
   * jobs on the board, and the acknowledgements the audit records.
   *
   * @param stopFeeding stops the feeder and the labeler before the drain
   */
  static FaultRun start(
      DemoSettings settings,
      RestartingParts parts,
      StatusBoard board,
      LoopAudit audit,
      ScoreTraffic traffic,
      StopList.Stoppable stopFeeding,
      String bootstrap,
      RunDirectory run,
      PrintWriter out) {
    FaultDrill.Loop loop =
        new FaultDrill.Loop(
            () -> parts.allUp() && board.allUp(JobMonitor.COMPONENTS),
            audit::impressionsAcknowledged,
            audit::labelsAcknowledged,
            audit::scoreRequestsAcknowledged,
            traffic::served,
            () -> board.examplesTrained(settings.primaryModel()));
    return new FaultRun(
            loop,
            settings.brokerPause(),
            parts,
            audit,
            stopFeeding,
            board,
            bootstrap,
            settings.topicPrefix(),
            run.path(),
            out)
        .start();
  }

  private FaultRun start() {
    board.component(COMPONENT, State.STARTING, "waiting for the loop to warm up", null);
    Thread thread = new Thread(this::run, "demo-faults");
    thread.setDaemon(true);
    thread.start();
    return this;
  }

  /** Whether the drill and the audit are over. */
  boolean done() {
    return done;
  }

  private void run() {
    Report report;
    try {
      board.component(COMPONENT, State.STARTING, "injecting faults", null);
      List<FaultDrill.Step> steps = drill.run();
      board.component(COMPONENT, State.STARTING, "draining, then checking the counts", null);
      stopFeeding.stop();
      long drainFrom = System.nanoTime();
      long deadline = drainFrom + DRAIN_TIMEOUT.toNanos();
      LoopAudit.Counts counts = check();
      while (!counts.addsUp() && System.nanoTime() < deadline) {
        Thread.sleep(DRAIN_POLL.toMillis());
        counts = check();
      }
      double drained = (System.nanoTime() - drainFrom) / 1e9;
      report = new Report(steps, parts.restartCounts(), counts, drained, counts.addsUp(), null);
    } catch (Exception e) {
      if (e instanceof InterruptedException) {
        Thread.currentThread().interrupt();
      }
      report = new Report(List.of(), parts.restartCounts(), null, 0, false, e.getMessage());
    }
    publish(report);
    done = true;
  }

  private LoopAudit.Counts check() {
    return audit.check(
        bootstrap, prefix, loop.examplesTrained().getAsLong(), loop.servedOverHttp().getAsLong());
  }

  private void publish(Report report) {
    try {
      Files.writeString(
          runDir.resolve("faults.json"),
          new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(report));
    } catch (Exception e) {
      out.println("ctrflow demo: could not write faults.json: " + e);
    }
    synchronized (out) {
      out.println();
      out.println("ctrflow demo --faults:");
      report
          .steps()
          .forEach(
              s ->
                  out.printf(
                      "  %-60s recovered after %5.1f s%n", s.fault(), s.recoveredAfterSeconds()));
      out.println("  restarts: " + report.restarts());
      if (report.counts() != null) {
        out.println(
            "  counts after draining "
                + Math.round(report.drainSeconds())
                + " s: "
                + report.counts());
      }
      out.println(
          "  "
              + (report.addsUp()
                  ? "every acknowledged event, label and request is in its topic exactly once"
                  : "FAILED: "
                      + (report.failure() != null
                          ? report.failure()
                          : "the counts do not add up")));
      out.flush();
    }
    board.component(
        COMPONENT,
        report.addsUp() ? State.UP : State.FAILED,
        report.addsUp()
            ? report.steps().size() + " faults recovered from; the counts add up"
            : report.failure() != null ? report.failure() : "the counts do not add up",
        null);
  }
}
