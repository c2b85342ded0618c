package org.ctrflow.launcher.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.launcher.CtrflowCommand;
import org.ctrflow.launcher.process.PidFile;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** {@code ctrflow kafka} and {@code ctrflow topics} against a real broker in a child JVM. */
class KafkaCommandsTest {

  @TempDir Path state;

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  @AfterEach
  void leaveNoBrokerBehind() throws IOException {
    new PidFile(state.resolve("kafka/kafka.pid")).stop(Duration.ofSeconds(10));
  }

  @Test
  @Timeout(value = 240, unit = TimeUnit.SECONDS)
  void failedStartFreshStartTopicsCrashRestartAndStop() throws Exception {
    int port = Ports.freeLoopbackPort();
    int controllerPort = Ports.freeLoopbackPort();
    String bootstrap = "127.0.0.1:" + port;
    String[] start = {
      "kafka",
      "start",
      "--state-dir",
      state.toString(),
      "--port",
      Integer.toString(port),
      "--controller-port",
      Integer.toString(controllerPort),
      "--heap",
      "256m"
    };
    String[] status = {"kafka", "status", "--state-dir", state.toString()};
    String[] createTopics = {"topics", "create", "--bootstrap", bootstrap, "--topic-prefix", "it"};
    String topic = Topic.CLICKS.name("it");

    // Storage that belongs to another node: the broker JVM refuses it and exits.
    Path data = Files.createDirectories(state.resolve("kafka/data"));
    Files.writeString(
        data.resolve("meta.properties"),
        "version=1\ncluster.id=" + UUID.randomUUID() + "\nnode.id=7\n");
    assertThat(run(start)).isEqualTo(1);
    assertThat(err.toString())
        .contains("Kafka did not start: the broker JVM exited")
        .contains("Stored node id 7 doesn't match")
        .contains("--fresh starts over")
        .contains("Last lines of " + state.resolve("kafka/kafka.log"));
    assertThat(state.resolve("kafka/kafka.pid")).doesNotExist();

    String[] fresh = Arrays.copyOf(start, start.length + 1);
    fresh[start.length] = "--fresh";
    assertThat(run(fresh)).as(output()).isZero();
    assertThat(out.toString()).contains("Kafka is running at " + bootstrap);
    long firstPid = recordedPid();
    assertThat(run(start)).isZero();
    assertThat(out.toString()).contains("already running (pid " + firstPid + ")");
    assertThat(run(status)).isZero();
    assertThat(out.toString()).contains("running (pid " + firstPid + ") at " + bootstrap);

    assertThat(run(createTopics)).as(output()).isZero();
    assertThat(out.toString()).contains(topic).contains("created").doesNotContain("existed");
    assertThat(out.toString()).containsPattern("it\\.model-updates\\s+1\\s+compact\\s+created");
    produce(bootstrap, topic, "imp-1", "click-1");

    // A crash leaves a stale PID file behind; the next start must see through it.
    ProcessHandle.of(firstPid).orElseThrow().destroyForcibly();
    ProcessHandle.of(firstPid).ifPresent(p -> p.onExit().join());
    assertThat(run(status)).isEqualTo(1);
    assertThat(run(start)).as(output()).isZero();
    long secondPid = recordedPid();
    assertThat(secondPid).isNotEqualTo(firstPid);

    // Data survived the restart: topics exist, the record is still there.
    assertThat(run(createTopics)).as(output()).isZero();
    assertThat(out.toString()).contains("existed").doesNotContain("created");
    assertThat(consume(bootstrap, topic)).containsExactly("click-1");
    assertThat(run("topics", "list", "--bootstrap", bootstrap, "--topic-prefix", "it")).isZero();
    assertThat(out.toString()).containsPattern("it\\.model-updates\\s+1\\s+compact\\s+yes");

    assertThat(run("kafka", "stop", "--state-dir", state.toString())).isZero();
    assertThat(out.toString()).contains("Kafka stopped (pid " + secondPid + ")");
    assertThat(ProcessHandle.of(secondPid).filter(ProcessHandle::isAlive)).isEmpty();
    assertThat(run(status)).isEqualTo(1);
    assertThat(out.toString()).contains("not running");
    assertThat(run("kafka", "stop", "--state-dir", state.toString())).isZero();
    assertThat(out.toString()).contains("nothing to stop");
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void refusesAPortSomethingElseListensOn() throws Exception {
    try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
      int code =
          run(
              "kafka",
              "start",
              "--state-dir",
              state.toString(),
              "--port",
              Integer.toString(taken.getLocalPort()),
              "--controller-port",
              Integer.toString(Ports.freeLoopbackPort()));
      assertThat(code).isEqualTo(1);
      assertThat(err.toString())
          .contains("Port " + taken.getLocalPort() + " on 127.0.0.1 is already in use");
      assertThat(state.resolve("kafka/kafka.pid")).doesNotExist();
    }
  }

  @Test
  @Timeout(value = 30, unit = TimeUnit.SECONDS)
  void explainsBadHeapSizesAndMissingBrokers() throws Exception {
    assertThat(run("kafka", "start", "--state-dir", state.toString(), "--heap", "lots"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--heap must be a JVM memory size such as 512m");

    String nowhere = "127.0.0.1:" + Ports.freeLoopbackPort();
    assertThat(run("topics", "create", "--bootstrap", nowhere)).isEqualTo(1);
    assertThat(err.toString()).contains("No Kafka broker answers at " + nowhere);

    assertThat(run("topics", "list", "--bootstrap", nowhere, "--topic-prefix", "bad prefix"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("topic prefix must be letters");
    assertThat(run("topics", "create", "--bootstrap", nowhere, "--replication-factor", "0"))
        .isEqualTo(2);
    assertThat(err.toString()).contains("--replication-factor must be at least 1");
  }

  private int run(String... args) {
    out.getBuffer().setLength(0);
    err.getBuffer().setLength(0);
    CommandLine cmd = CtrflowCommand.commandLine();
    cmd.setOut(new PrintWriter(out, true));
    cmd.setErr(new PrintWriter(err, true));
    long started = System.nanoTime();
    int code = cmd.execute(args);
    System.out.printf(
        "$ ctrflow %s -> exit %d in %d ms%n%s%s%n",
        String.join(" ", args), code, (System.nanoTime() - started) / 1_000_000, out, err);
    return code;
  }

  private String output() {
    return "stdout:\n" + out + "\nstderr:\n" + err;
  }

  private long recordedPid() throws IOException {
    return Long.parseLong(
        Files.readString(state.resolve("kafka/kafka.pid")).trim().split("\\s+")[0]);
  }

  private static void produce(String bootstrap, String topic, String key, String value)
      throws Exception {
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    try (KafkaProducer<String, String> producer =
        new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
      producer.send(new ProducerRecord<>(topic, key, value)).get(30, TimeUnit.SECONDS);
    }
  }

  private static List<String> consume(String bootstrap, String topic) {
    Map<String, Object> props =
        Map.of(
            ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
            bootstrap,
            ConsumerConfig.GROUP_ID_CONFIG,
            "it-" + UUID.randomUUID(),
            ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
            "earliest");
    List<String> values = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    try (KafkaConsumer<String, String> consumer =
        new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
      consumer.subscribe(List.of(topic));
      while (values.isEmpty() && System.nanoTime() < deadline) {
        consumer.poll(Duration.ofMillis(200)).forEach(r -> values.add(r.value()));
      }
    }
    return values;
  }
}
