package org.ctrflow.launcher.submit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.ctrflow.launcher.testing.CtrflowRun.run;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.ctrflow.connectors.events.Click;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.Impression;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.connectors.kafka.KafkaBrokerExtension;
import org.ctrflow.connectors.kafka.KafkaTestCluster;
import org.ctrflow.connectors.kafka.TopicAdmin;
import org.ctrflow.connectors.testing.Ports;
import org.ctrflow.connectors.testing.TopicRecords;
import org.ctrflow.connectors.testing.TopicRecords.Entry;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.launcher.cluster.FlinkRestClient;
import org.ctrflow.launcher.testing.CtrflowRun;
import org.ctrflow.launcher.testing.CtrflowRun.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label-join job on a real standalone session cluster, submitted as the shaded job jar through
 * {@code ctrflow submit} (Flink REST), stopped with a savepoint by {@code ctrflow stop}, and
 * resubmitted from it: impressions still waiting for clicks when it stopped are labeled by clicks
 * that arrive after the restart, which only works if their keyed state (RocksDB) and timers came
 * back. Runs after {@code package} (failsafe), when the job jar exists.
 */
@ExtendWith(KafkaBrokerExtension.class)
class JobSubmissionIT {

  private static final int SHOWN = 40;
  private static final int CLICKED_AFTER_RESTART = 20;

  @TempDir Path state;

  @AfterEach
  void stopCluster() {
    run("cluster", "stop", "--state-dir", state.toString());
  }

  @Test
  @Timeout(300)
  void submitsStopsWithASavepointAndResumesWithPendingState(KafkaTestCluster kafka)
      throws Exception {
    Path jar = Path.of(System.getProperty("ctrflow.job.jar", "missing-job.jar"));
    assertThat(jar).as("the shaded job jar (built by flink-jobs' package phase)").exists();
    String prefix = kafka.newTopicPrefix();
    String bootstrap = kafka.bootstrapServers();
    try (TopicAdmin admin = TopicAdmin.connect(bootstrap)) {
      admin.createTopics(Topic.specs(prefix));
    }
    int restPort = Ports.freeLoopbackPort();
    Result started = CtrflowRun.startCluster(state, restPort, Ports.freeLoopbackPort());
    assertThat(started.code()).as(started.output()).isZero();
    String url = "http://127.0.0.1:" + restPort;
    FlinkRestClient rest = new FlinkRestClient(URI.create(url));

    // Shown impressions 0..39; the even ones are clicked at once, the odd ones wait (1 h window).
    List<Entry> impressions = new ArrayList<>();
    List<Entry> evenClicks = new ArrayList<>();
    List<Entry> oddClicks = new ArrayList<>();
    for (int i = 0; i < SHOWN; i++) {
      impressions.add(impression("imp-" + i, i * 1_000L));
      Entry click = click("imp-" + i, i * 1_000L + 500);
      if (i % 2 == 0) {
        evenClicks.add(click);
      } else if (i < CLICKED_AFTER_RESTART) {
        oddClicks.add(click);
      }
    }
    TopicRecords.write(bootstrap, Topic.IMPRESSIONS.name(prefix), impressions);
    TopicRecords.write(bootstrap, Topic.CLICKS.name(prefix), evenClicks);

    String jobId = submit(url, jar, bootstrap, prefix, null);
    assertThat(rest.jobStatus(jobId)).isIn("RUNNING", "CREATED", "INITIALIZING");
    Awaitility.await()
        .atMost(Duration.ofSeconds(60))
        .until(() -> rest.jobStatus(jobId), "RUNNING"::equals);
    assertThat(examples(kafka, prefix, SHOWN / 2))
        .as("clicked impressions labeled 1 by the running job")
        .hasSize(SHOWN / 2)
        .allMatch(e -> e.endsWith("/1"));

    Result stopped =
        run(
            "stop",
            jobId,
            "--jobmanager",
            url,
            "--savepoint-dir",
            state.resolve("savepoints").toUri().toString());
    assertThat(stopped.code()).as(stopped.output()).isZero();
    Matcher savepoint = Pattern.compile("with savepoint (\\S+)").matcher(stopped.output());
    assertThat(savepoint.find()).as(stopped.output()).isTrue();
    assertThat(rest.jobStatus(jobId)).isEqualTo("FINISHED");

    // Clicks for impressions that were pending in the stopped job.
    TopicRecords.write(bootstrap, Topic.CLICKS.name(prefix), oddClicks);
    String resumed = submit(url, jar, bootstrap, prefix, savepoint.group(1));
    int positives = SHOWN / 2 + CLICKED_AFTER_RESTART / 2;
    assertThat(examples(kafka, prefix, positives))
        .as("pending impressions labeled by clicks after the restore")
        .hasSize(positives);

    // Impressions 10 h later move the watermark past every window: the rest are labeled 0.
    List<Entry> later = new ArrayList<>();
    for (int k = 0; k < 16; k++) {
      later.add(impression("later-" + k, 36_000_000L));
    }
    TopicRecords.write(bootstrap, Topic.IMPRESSIONS.name(prefix), later);
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < SHOWN; i++) {
      expected.add("imp-" + i + "/" + (i % 2 == 0 || i < CLICKED_AFTER_RESTART ? 1 : 0));
    }
    List<String> all = examples(kafka, prefix, SHOWN);
    assertThat(all).doesNotHaveDuplicates().containsExactlyInAnyOrderElementsOf(expected);
    assertThat(
            TopicRecords.readCommitted(
                bootstrap, Topic.DEAD_LETTER.name(prefix), 0, Duration.ofSeconds(5)))
        .as("no click became an orphan: the waiting impressions were restored")
        .isEmpty();
    assertThat(rest.jobStatus(resumed)).isEqualTo("RUNNING");
  }

  private String submit(String url, Path jar, String bootstrap, String prefix, String savepoint) {
    List<String> args =
        new ArrayList<>(
            List.of(
                "submit",
                "join",
                "--jobmanager",
                url,
                "--jar",
                jar.toString(),
                "--parallelism",
                "2"));
    if (savepoint != null) {
      args.addAll(List.of("--from-savepoint", savepoint));
    }
    args.addAll(
        List.of(
            "--bootstrap-servers",
            bootstrap,
            "--topic-prefix",
            prefix,
            "--attribution-window",
            "1h",
            "--max-out-of-orderness",
            "1s",
            "--idle-timeout",
            "1s",
            "--checkpoint-interval",
            "1s"));
    Result submitted = run(args.toArray(String[]::new));
    System.out.println(submitted.output());
    assertThat(submitted.code()).as(submitted.output()).isZero();
    Matcher id = Pattern.compile("as job ([0-9a-f]{32})").matcher(submitted.output());
    assertThat(id.find()).as(submitted.output()).isTrue();
    assertThat(submitted.output()).contains("Web UI: " + url + "/#/job/running/" + id.group(1));
    return id.group(1);
  }

  /** Committed examples as {@code id/label}, once at least {@code expected} are there. */
  private static List<String> examples(KafkaTestCluster kafka, String prefix, int expected) {
    return TopicRecords.readCommitted(
            kafka.bootstrapServers(),
            Topic.LABELED_EXAMPLES.name(prefix),
            expected,
            Duration.ofSeconds(90))
        .stream()
        .map(EventSerde.LABELED_EXAMPLE::deserialize)
        .map((LabeledExample e) -> e.id() + "/" + e.label())
        .toList();
  }

  private static Entry impression(String id, long time) {
    Impression impression = new Impression(id, time, Map.of("user", "u-" + id), Map.of());
    return Entry.of(id, EventSerde.IMPRESSION.serialize(impression));
  }

  private static Entry click(String id, long time) {
    return Entry.of(id, EventSerde.CLICK.serialize(new Click(id, time)));
  }
}
