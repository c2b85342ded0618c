package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.launcher.labelqueue.QueueClasspath;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.launcher.process.PidFile;

/**
 * The labeling queue in its own JVM (its rocksdbjni must never share a JVM with Flink), with its
 * RocksDB under the run directory and two fresh labeler tokens: one for the simulated labeler, one
 * for a person on the labeler page. {@link #start} returns as soon as the JVM runs, so the demo
 * starts other parts while it boots; {@link #awaitReady} waits until {@code /ready} answers. A
 * queue started again after it died keeps its port, data and tokens. Stopped with SIGTERM (its
 * shutdown hook closes RocksDB), then SIGKILL if it lingers.
 */
final class LabelQueueProcess {

  static final String MAIN_CLASS = "org.ctrflow.labelqueue.LabelQueueMain";
  static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration READY_TIMEOUT = Duration.ofSeconds(90);

  private final ChildService service;
  private final String botToken;
  private final String personToken;

  private LabelQueueProcess(ChildService service, String botToken, String personToken) {
    this.service = service;
    this.botToken = botToken;
    this.personToken = personToken;
  }

  /**
   * @param queueHome the queue's build directory (its jar and lib/), see {@link QueueClasspath}
   * @param kafkaProperties extra Kafka client settings for the queue, or null
   */
  static LabelQueueProcess create(
      Path queueHome,
      String bootstrap,
      String prefix,
      int port,
      Path dataDir,
      Path kafkaProperties,
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
    List<String> args =
        new ArrayList<>(
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
                tokens.toString()));
    if (kafkaProperties != null) {
      args.addAll(List.of(KafkaClientProperties.OPTION, kafkaProperties.toString()));
    }
    ChildJvm jvm =
        ChildJvm.of(MAIN_CLASS)
            .classpath(QueueClasspath.of(queueHome))
            .jvmOptions(List.of("-Xmx512m"))
            .args(args);
    return new LabelQueueProcess(
        new ChildService("labeling queue", jvm, pidFile, port, log), bot, person);
  }

  /**
   * Starts the queue's JVM as one of the {@code parts}: started again the same way when it dies.
   *
   * @return its handle, whose close stops it for good
   */
  Supervised supervise(RestartingParts parts) throws IOException {
    return parts.process(
        DemoRun.QUEUE, start(), this::start, STOP_GRACE, this::ready, "own JVM", url().toString());
  }

  /** Starts the queue's JVM; returns at once. */
  ProcessHandle start() throws IOException {
    return service.start();
  }

  /** Waits until the queue answers {@code /ready}; fails naming its log when it does not. */
  void awaitReady() throws IOException, InterruptedException {
    service.awaitOk("/ready", READY_TIMEOUT);
  }

  boolean ready() {
    return service.answersOk("/ready");
  }

  private static String token() {
    byte[] bytes = new byte[16];
    new SecureRandom().nextBytes(bytes);
    return HexFormat.of().formatHex(bytes);
  }

  URI url() {
    return service.url();
  }

  String botToken() {
    return botToken;
  }

  /** The labeler page, signed in as the person's token (kept in the URL fragment only). */
  String labelerPage() {
    return url().resolve("/labeler.html") + "#token=" + personToken;
  }
}
