package org.ctrflow.labelqueue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.ctrflow.labelqueue.QueueTestKit.ADMIN_TOKEN;
import static org.ctrflow.labelqueue.QueueTestKit.ALICE_TOKEN;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.labelqueue.store.QueueJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills the service process (a child JVM, {@code destroyForcibly}) while it ingests requests,
 * serves a labeler and delivers web hooks; restarts it on the same data; checks that no task, label
 * or hook delivery was lost and no label was published twice.
 */
@Timeout(300)
class CrashRecoveryTest {

  @RegisterExtension static final KafkaBrokerExtension KAFKA = new KafkaBrokerExtension();

  static final int TASKS = 200;

  @TempDir Path dir;

  @Test
  void aKilledServiceLosesNothingAndPublishesNothingTwice() throws Exception {
    QueueTestKit kit = new QueueTestKit(KAFKA.cluster());
    int port = Ports.freeLoopbackPort();
    try (HookReceiver receiver = new HookReceiver(2, false)) {
      Process service = startChild(kit, port, 1);
      String secret =
          QueueTestKit.json(
                  kit.call(
                      port,
                      "POST",
                      "/api/hooks",
                      ADMIN_TOKEN,
                      "{\"url\":\"" + receiver.url() + "\"}"))
              .get("secret")
              .asText();
      receiver.secret(secret);

      // Requests arrive throughout, each sample twice (upstream duplicates).
      Thread producer =
          new Thread(
              () -> {
                for (int i = 0; i < TASKS; i += 10) {
                  List<org.ctrflow.connectors.events.LabelRequest> batch = new ArrayList<>();
                  for (int j = i; j < i + 10; j++) {
                    batch.add(QueueTestKit.request("s" + j, (j % 17) / 17.0));
                  }
                  kit.produce(batch);
                  kit.produce(batch.subList(0, 5));
                  sleep(40);
                }
              });
      producer.start();

      // A labeler labels whatever it is given; it notes every label the service acknowledged.
      // A label call cut off by the kill is retried for the same task (labeling is idempotent), as
      // a real client would: the service may have stored it without answering.
      Set<String> acknowledged = ConcurrentHashMap.newKeySet();
      AtomicBoolean labeling = new AtomicBoolean(true);
      Thread labeler =
          new Thread(
              () -> {
                String unanswered = null;
                while (labeling.get()) {
                  try {
                    String id = unanswered;
                    if (id == null) {
                      HttpResponse<String> lease =
                          kit.call(port, "POST", "/api/tasks/lease", ALICE_TOKEN, "{}");
                      if (lease.statusCode() != 200) {
                        sleep(50);
                        continue;
                      }
                      id =
                          QueueJson.MAPPER
                              .readTree(lease.body())
                              .path("request")
                              .path("sampleId")
                              .asText();
                    }
                    unanswered = id;
                    HttpResponse<String> label =
                        kit.call(
                            port,
                            "POST",
                            "/api/tasks/" + id + "/label",
                            ALICE_TOKEN,
                            "{\"label\":" + (id.hashCode() & 1) + "}");
                    unanswered = null;
                    if (label.statusCode() == 200) {
                      acknowledged.add(id);
                    }
                  } catch (Exception e) {
                    sleep(100); // the service is down: retry
                  }
                }
              });
      labeler.start();

      await()
          .atMost(Duration.ofSeconds(40))
          .until(() -> acknowledged.size() >= 40 && receiver.accepted.size() >= 20);
      service.destroyForcibly().waitFor();
      int acknowledgedAtKill = acknowledged.size();
      service = startChild(kit, port, 2);
      producer.join();
      await().atMost(Duration.ofSeconds(60)).until(() -> acknowledged.size() == TASKS);
      labeling.set(false);
      labeler.join();

      List<HumanLabel> labels = kit.humanLabels(TASKS, Duration.ofSeconds(30));
      Set<String> all =
          IntStream.range(0, TASKS).mapToObj(i -> "s" + i).collect(Collectors.toSet());
      assertThat(labels).extracting(HumanLabel::sampleId).doesNotHaveDuplicates();
      assertThat(labels).extracting(HumanLabel::sampleId).containsExactlyInAnyOrderElementsOf(all);
      assertThat(labels)
          .allSatisfy(
              l -> {
                assertThat(l.weight()).isEqualTo(4.0);
                assertThat(l.label()).isEqualTo(l.sampleId().hashCode() & 1);
              });
      // Every task created and labeled reached the receiver, each webhook-id accepted once
      // (a delivery in flight at the kill may be re-sent with its id: receivers deduplicate).
      await()
          .atMost(Duration.ofSeconds(30))
          .until(
              () ->
                  receiver.acceptedOfType("task.created") == TASKS
                      && receiver.acceptedOfType("task.labeled") == TASKS);
      assertThat(receiver.attempts).allMatch(HookReceiver.Attempt::signatureValid);
      System.out.printf(
          "killed after %d acknowledged labels; %d hook re-deliveries after the restart%n",
          acknowledgedAtKill, receiver.redeliveries.get());
      service.destroy();
      service.waitFor();
    }
  }

  private Process startChild(QueueTestKit kit, int port, int run) throws Exception {
    String classpath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    List<String> cmd =
        new ArrayList<>(
            List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m",
                "-cp",
                classpath,
                LabelQueueMain.class.getName(),
                "serve",
                "--bootstrap-servers",
                kit.bootstrap,
                "--topic-prefix",
                kit.prefix,
                "--data-dir",
                dir.resolve("db").toString(),
                "--port",
                Integer.toString(port),
                "--hook-backoff-base",
                "50ms",
                "--hook-backoff-max",
                "300ms",
                // The receiver listens on loopback, which hooks may target only when allowed.
                "--hook-allowed-networks",
                "127.0.0.1/32"));
    ProcessBuilder b =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("service-" + run + ".log").toFile());
    b.environment().put("CTRFLOW_QUEUE_TOKENS", QueueTestKit.TOKENS);
    Process p = b.start();
    Path log = dir.resolve("service-" + run + ".log");
    try {
      await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .until(
              () -> {
                if (!p.isAlive()) {
                  throw new AssertionError("service exited: " + Files.readString(log));
                }
                try {
                  return kit.call(port, "GET", "/ready", null, null).statusCode() == 200;
                } catch (Exception e) {
                  return false;
                }
              });
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      p.destroyForcibly();
      throw new AssertionError(
          "service not ready within 90 s; its log:\n" + Files.readString(log), e);
    }
    return p;
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
