package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import org.ctrflow.launcher.labelqueue.QueueClasspath;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.launcher.process.PidFile;

/**
 * The labeling queue in its own JVM (its rocksdbjni must never share a JVM with Flink), with its
 * RocksDB under the run directory and two fresh labeler tokens: one for the simulated labeler, one
 * for a person on the labeler page. {@link #launch} returns as soon as the JVM runs, so the demo
 * starts other parts while it boots; {@link #awaitReady} waits until {@code /ready} answers.
 * Stopped with SIGTERM (its shutdown hook closes RocksDB), then SIGKILL if it lingers.
 */
final class LabelQueueProcess implements AutoCloseable {

  static final String MAIN_CLASS = "org.ctrflow.labelqueue.LabelQueueMain";
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);

  private final PidFile pidFile;
  private final Process process;
  private final URI url;
  private final String botToken;
  private final String personToken;
  private final Path log;

  private LabelQueueProcess(
      PidFile pidFile, Process process, URI url, String botToken, String personToken, Path log) {
    this.log = log;
    this.pidFile = pidFile;
    this.process = process;
    this.url = url;
    this.botToken = botToken;
    this.personToken = personToken;
  }

  /**
   * @param queueHome the queue's build directory (its jar and lib/), see {@link QueueClasspath}
   */
  static LabelQueueProcess launch(
      Path queueHome,
      String bootstrap,
      String prefix,
      int port,
      Path dataDir,
      Path log,
      PidFile pidFile)
      throws IOException {
    String bot = token();
    String person = token();
    Path tokens = dataDir.resolveSibling("queue-tokens.txt");
    Files.createDirectories(dataDir);
    Files.writeString(
        tokens,
        "demo-labeler:labeler:" + bot + "\nyou:labeler:" + person + "\n",
        StandardCharsets.UTF_8);
    Process process =
        ChildJvm.of(MAIN_CLASS)
            .classpath(QueueClasspath.of(queueHome))
            .jvmOptions(List.of("-Xmx512m"))
            .args(
                List.of(
                    "serve",
                    "--bootstrap-servers",
                    bootstrap,
                    "--topic-prefix",
                    prefix,
                    "--data-dir",
                    dataDir.toString(),
                    "--port",
                    Integer.toString(port),
                    "--tokens-file",
                    tokens.toString()))
            .logFile(log)
            .start(pidFile);
    URI url = URI.create("http://127.0.0.1:" + port + "/");
    return new LabelQueueProcess(pidFile, process, url, bot, person, log);
  }

  /** Waits until the queue answers {@code /ready}; fails naming its log when it cannot. */
  void awaitReady() throws IOException, InterruptedException {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
    long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException(
            "the labeling queue exited with code " + process.exitValue() + "; see " + log);
      }
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(url.resolve("/ready"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // Not listening yet.
      }
      Thread.sleep(300);
    }
    throw new IOException(
        "the labeling queue was not ready within " + READY_TIMEOUT.toSeconds() + " s; see " + log);
  }

  private static String token() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  URI url() {
    return url;
  }

  String botToken() {
    return botToken;
  }

  /** The labeler page, signed in as the person's token (kept in the URL fragment only). */
  String labelerPage() {
    return url.resolve("/labeler.html") + "#token=" + personToken;
  }

  ProcessHandle handle() {
    return process.toHandle();
  }

  @Override
  public void close() throws IOException {
    PidFile.terminate(process.toHandle(), STOP_GRACE);
    pidFile.stop(STOP_GRACE);
  }
}
