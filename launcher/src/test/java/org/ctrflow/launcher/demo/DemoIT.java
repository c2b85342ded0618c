package org.ctrflow.launcher.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.ctrflow.connectors.testing.HeadlessChromium;
import org.ctrflow.launcher.process.PidFile;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The demo end to end: {@code ctrflow demo --duration 90s} from the packaged distribution (launcher
 * jar + lib, the labeling queue's jar + lib) in a child JVM, as {@code bin/ctrflow} runs it. While
 * it runs, headless Chromium checks the live dashboard's charts (skipped without Chromium); after
 * it ends, its summary and the process table are checked. The same loop with {@code --cluster
 * --faults} checks the session-cluster mode, every part a process of its own, through the fault
 * drill: the broker frozen for longer than its clients' timeouts, then a kill -9 of the
 * TaskManager, the labeling queue and the model server in turn; the loop must recover by itself
 * each time, and afterwards every acknowledged event, label and request must be in its topic
 * exactly once.
 */
@Timeout(900)
class DemoIT {

  private static final Path HOME = Path.of(System.getProperty("ctrflow.home", ".."));
  private static final Pattern DASHBOARD = Pattern.compile("dashboard at (http://\\S+)");
  private static final Pattern UP = Pattern.compile("everything is up after ([0-9.]+) s");

  /** The run's length; {@code --duration} counts it from the moment everything is up. */
  private static final Duration RUN = Duration.ofSeconds(90);

  /** The demo's default {@code --models}, each with its own series on the charts. */
  private static final List<String> MODELS = List.of("finalmlp", "dnn");

  /** Samples (one a second) each continuous series must hold before the screenshot. */
  private static final int MIN_POINTS = 20;

  /** Longest start-up accepted (36-98 s measured on the 2-core machine at load average 9-35). */
  private static final Duration START_UP = Duration.ofMinutes(5);

  @Test
  void theWholeLoopRunsForNinetySecondsAndLeavesNothingBehind() throws Exception {
    run("demo-it", RUN, List.of(), true);
  }

  /** Longer than every client timeout of {@link #SHORT_TIMEOUTS}. */
  private static final Duration BROKER_PAUSE = Duration.ofSeconds(30);

  /**
   * Kafka client timeouts for the jobs, the queue and the model server, a few seconds instead of
   * Kafka's 30-60 s defaults, so that a short freeze of the broker outlasts them.
   */
  private static final String SHORT_TIMEOUTS =
      """
      request.timeout.ms=5000
      default.api.timeout.ms=10000
      max.block.ms=10000
      delivery.timeout.ms=15000
      """;

  /** The fault drill's own bound; --duration only caps a drill that hangs. */
  private static final Duration FAULT_RUN_CAP = Duration.ofMinutes(8);

  /**
   * {@code --cluster --faults}: the same loop with the jobs on the standalone session cluster (own
   * JobManager and TaskManager JVMs, the shaded job jar shipped with each job), the broker and the
   * model server in JVMs of their own too, through the fault drill; no dashboard check.
   */
  @Test
  void theSessionClusterModeRunsTheSameLoopAndRecoversFromFaults() throws Exception {
    Path timeouts = HOME.resolve("launcher/target/demo-faults-kafka.properties");
    Files.writeString(timeouts, SHORT_TIMEOUTS, StandardCharsets.UTF_8);
    Path state =
        run(
            "demo-cluster-it",
            FAULT_RUN_CAP,
            List.of(
                "--cluster",
                "--faults",
                "--kafka-properties",
                timeouts.toString(),
                "--broker-pause",
                BROKER_PAUSE.toSeconds() + "s"),
            false);
    checkFaults(newestRun(state));
  }

  /** The drill's report: every fault recovered from, everything acknowledged there once. */
  private static void checkFaults(Path run) throws Exception {
    String json = Files.readString(run.resolve("faults.json"), StandardCharsets.UTF_8);
    System.out.println("DemoIT faults.json: " + json);
    JsonNode r = new ObjectMapper().readTree(json);
    assertThat(r.path("failure").isNull())
        .as("the drill's failure: %s", r.path("failure"))
        .isTrue();
    assertThat(r.path("steps")).hasSize(4);
    JsonNode c = r.path("counts");
    for (String zero :
        List.of(
            "impressionsMissing",
            "impressionsDuplicated",
            "examplesDuplicated",
            "examplesMissing",
            "labelsMissing",
            "labelsDuplicated",
            "humanExamplesMissing",
            "predictionsMissing",
            "predictionsDuplicated")) {
      assertThat(c.path(zero).asLong()).as(zero).isZero();
    }
    for (String positive :
        List.of(
            "impressionsAcknowledged",
            "impressionsPastHorizon",
            "labelsAcknowledged",
            "scoreRequestsAcknowledged",
            "servedOverHttp")) {
      assertThat(c.path(positive).asLong()).as(positive).isPositive();
    }
    assertThat(c.path("examplesTrained").asLong())
        .as("examples trained, against the examples in their topic")
        .isEqualTo(c.path("examplesInTopic").asLong());
    assertThat(c.path("labelsPublished").asLong()).isEqualTo(c.path("labelsAcknowledged").asLong());
    assertThat(c.path("predictions").asLong())
        .isEqualTo(c.path("scoreRequestsAcknowledged").asLong());
    assertThat(r.path("addsUp").asBoolean()).isTrue();
    for (String killed : List.of("TaskManager", "labeling queue", "model server")) {
      assertThat(r.path("restarts").path(killed).asInt())
          .as("restarts of the %s", killed)
          .isPositive();
    }
  }

  /** Runs the demo and checks it; returns its state directory. */
  private Path run(String name, Duration length, List<String> extra, boolean checkDashboard)
      throws Exception {
    Path jar = HOME.resolve("launcher/target/ctrflow.jar");
    Path lib = HOME.resolve("launcher/target/lib");
    Path queueJar =
        HOME.resolve("active-learning/labeling-queue/target/ctrflow-labeling-queue.jar");
    Assumptions.assumeTrue(
        Files.isRegularFile(jar) && Files.isDirectory(lib) && Files.isRegularFile(queueJar),
        "skipping: needs the packaged launcher and labeling queue (./mvnw verify packages both)");
    Path state = HOME.resolve("launcher/target/" + name + "-state");
    RunDirectory.deleteTree(state);
    Path stdout = HOME.resolve("launcher/target/" + name + ".out");
    Path stderr = HOME.resolve("launcher/target/" + name + ".err");

    // bin/ctrflow as a user runs it (without rebuilding): it sets up the JVM, and gives the demo
    // its console apart from the process's stderr, where native code writes.
    List<String> cmd = new ArrayList<>();
    cmd.add(HOME.resolve("bin/ctrflow").toString());
    cmd.addAll(
        List.of(
            "demo",
            "--duration",
            length.toSeconds() + "s",
            "--state-dir",
            state.toString(),
            "--dashboard-port",
            "0"));
    cmd.addAll(extra);
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectOutput(stdout.toFile())
            .redirectError(stderr.toFile())
            .directory(HOME.toFile());
    builder.environment().put("CTRFLOW_NO_REBUILD", "1");
    builder.environment().put("JAVA_HOME", System.getProperty("java.home"));
    List<String> phases = new ArrayList<>();
    long launched = System.nanoTime();
    Process demo = builder.start();
    try {
      runUntilItEnds(demo, launched, stdout, stderr, phases, length, checkDashboard);
      checkSummaryAndProcesses(demo, state);
      checkConsoleIsTheDemos(stdout, stderr, newestRun(state));
    } catch (AssertionError | Exception e) {
      throw new AssertionError(
          e.getMessage()
              + "\nphases: "
              + phases
              + "\n--- last lines of the demo's stdout ("
              + stdout
              + "):\n"
              + tail(stdout, 40)
              + "\n--- last lines of its stderr ("
              + stderr
              + "):\n"
              + tail(stderr, 80),
          e);
    } finally {
      if (demo.isAlive()) {
        PidFile.terminate(demo.toHandle(), Duration.ofSeconds(20));
      }
      System.out.println("DemoIT " + name + " phases: " + String.join("; ", phases));
    }
    return state;
  }

  /**
   * Waits for the dashboard URL and for everything to be up, checks the live dashboard while the
   * run lasts (its {@code --duration} counts from "everything is up"), then waits for the demo to
   * end; notes how long each phase took in {@code phases}.
   */
  private static void runUntilItEnds(
      Process demo,
      long launched,
      Path stdout,
      Path stderr,
      List<String> phases,
      Duration length,
      boolean checkDashboard)
      throws Exception {
    String dashboard = awaitLine(demo, stdout, DASHBOARD, "a dashboard URL");
    phases.add(String.format("dashboard URL after %.1f s", secondsSince(launched)));
    String up = awaitLine(demo, stderr, UP, "'everything is up'");
    long upNanos = System.nanoTime();
    phases.add(
        String.format(
            "everything up after %.1f s (the demo's own count: %s s)", secondsSince(launched), up));
    if (!checkDashboard) {
      phases.add("the dashboard is checked by the MiniCluster run");
    } else if (HeadlessChromium.installed()) {
      try (DashboardBrowser browser = DashboardBrowser.open(dashboard)) {
        phases.add(
            String.format("Chromium showed the page %.1f s after up", secondsSince(upNanos)));
        long waitFrom = System.nanoTime() - upNanos;
        Map<DashboardBrowser.SeriesCheck, Duration> met =
            browser.awaitCharts(
                DashboardBrowser.demoChecks(MODELS, MIN_POINTS), length, demo::isAlive);
        met.forEach(
            (check, after) ->
                phases.add(
                    String.format(
                        "%s filled %.1f s after up", check, (waitFrom + after.toNanos()) / 1e9)));
        browser.checkLayoutAndScreenshot(
            HOME.resolve("launcher/target/screenshots/dashboard-demo.png"));
      }
    } else {
      phases.add("no chromium/chromedriver: the live dashboard check was skipped");
    }
    assertThat(demo.waitFor(600, TimeUnit.SECONDS)).as("the demo ends after --duration").isTrue();
    phases.add(String.format("the demo exited %.1f s after up", secondsSince(upNanos)));
  }

  /** The summary's figures, and that no process the demo started is alive. */
  private static void checkSummaryAndProcesses(Process demo, Path state) throws Exception {
    assertThat(demo.exitValue()).as("the demo's exit code").isZero();

    Path run = newestRun(state);
    JsonNode s = new ObjectMapper().readTree(run.resolve("summary.json").toFile());
    List<String> notUp = new ArrayList<>();
    s.path("components")
        .forEach(
            c -> {
              if (!c.path("state").asText().equals("UP")) {
                notUp.add(c.path("name").asText() + ": " + c.path("detail").asText());
              }
            });
    assertThat(notUp).as("components not up").isEmpty();
    assertThat(s.path("components")).hasSizeGreaterThanOrEqualTo(9);
    for (JsonNode m : s.path("models")) {
      assertThat(m.path("versionsPublished").asInt())
          .as("versions of %s", m.path("model").asText())
          .isGreaterThanOrEqualTo(3);
    }
    JsonNode served = s.path("served");
    assertThat(served.path("version").asLong())
        .as("served version advanced")
        .isGreaterThan(served.path("firstVersion").asLong());
    assertThat(s.path("humanExamplesTrained").asLong())
        .as("labels from request to training")
        .isGreaterThanOrEqualTo(1);
    // The recent window says whether the served model predicts the stream now. The progressive
    // AUC since the start also counts the cold start and the scripted flip at 20,000 impressions
    // (a cluster-mode run, when the demo still fed its stream during start-up, had 0.6959 since
    // the start with 0.8220 over its window).
    JsonNode primary = s.path("models").get(0);
    assertThat(primary.path("windowAuc").asDouble())
        .as("windowed AUC of the served model")
        .isGreaterThan(0.75);
    assertThat(primary.path("auc").asDouble())
        .as("progressive AUC of the served model")
        .isGreaterThan(0.60);

    // Nothing the demo started is alive: the PID files' processes, and any process whose
    // command line names the run directory (the queue JVM, a session cluster's JVMs).
    assertThat(RunDirectory.liveIn(run)).isEmpty();
    String runPath = run.toAbsolutePath().normalize().toString();
    List<Long> strays =
        ProcessHandle.allProcesses()
            .filter(
                p ->
                    p.info().arguments().map(a -> String.join(" ", a)).orElse("").contains(runPath))
            .map(ProcessHandle::pid)
            .toList();
    assertThat(strays).as("processes naming %s", runPath).isEmpty();
  }

  /**
   * A line the libraries wrote: log4j2.xml's console layout ({@code 04:58:04.705 WARN ...}), a
   * stack trace, or libtorch's native log ({@code [W1204 04:58:26.456 ...]}).
   */
  private static final Pattern LIBRARY_LINE =
      Pattern.compile(
          "^(\\d{2}:\\d{2}:\\d{2}\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR)\\b|\\s+at |\\[[WEIF]\\d{4} ).*");

  /**
   * Its console (stdout and stderr, both files here, not a terminal) holds the demo's own lines;
   * what Flink and Kafka logged is in the run directory's {@code logs/demo.log}.
   */
  private static void checkConsoleIsTheDemos(Path stdout, Path stderr, Path run) throws Exception {
    for (Path console : List.of(stdout, stderr)) {
      List<String> library =
          Files.readAllLines(console, StandardCharsets.UTF_8).stream()
              .filter(line -> LIBRARY_LINE.matcher(line).matches())
              .toList();
      assertThat(library).as("library log lines on the demo's console, %s", console).isEmpty();
    }
    assertThat(run.resolve("logs").resolve(RunLog.NAME + ".log")).isNotEmptyFile();
  }

  /** Group 1 of {@code pattern}'s first match in {@code file}, once the demo has written it. */
  private static String awaitLine(Process demo, Path file, Pattern pattern, String what)
      throws Exception {
    long deadline = System.nanoTime() + START_UP.toNanos();
    while (System.nanoTime() < deadline) {
      Matcher m = pattern.matcher(Files.readString(file, StandardCharsets.UTF_8));
      if (m.find()) {
        return m.group(1);
      }
      if (!demo.isAlive()) {
        throw new AssertionError(
            "the demo exited (code " + demo.exitValue() + ") before printing " + what);
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the demo printed no " + what + " within " + START_UP.toSeconds() + " s");
  }

  private static double secondsSince(long nanos) {
    return (System.nanoTime() - nanos) / 1e9;
  }

  /** The last {@code lines} lines of {@code file}. */
  private static String tail(Path file, int lines) {
    try {
      List<String> all = Files.readAllLines(file, StandardCharsets.UTF_8);
      return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    } catch (Exception e) {
      return "(unreadable: " + e + ")";
    }
  }

  private static Path newestRun(Path state) throws Exception {
    try (Stream<Path> runs = Files.list(state.resolve("demo"))) {
      return runs.filter(Files::isDirectory).max(Path::compareTo).orElseThrow();
    }
  }
}
