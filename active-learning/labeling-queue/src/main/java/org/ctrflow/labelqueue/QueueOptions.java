package org.ctrflow.labelqueue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.labelqueue.http.ApiServer;
import picocli.CommandLine.Option;

/**
 * Every setting of the labeling queue, declared once with its type, default and description
 * (picocli prints them in {@code --help}). Secrets (tokens, the inbound web hook secret, the key
 * store password) come from files or environment variables, never from the command line, where they
 * would show in process listings.
 */
public final class QueueOptions {

  @Option(
      names = "--bootstrap-servers",
      required = true,
      description = "Kafka bootstrap servers, e.g. 127.0.0.1:9092.")
  public String bootstrapServers;

  @Option(names = "--topic-prefix", description = "Topic prefix (default: ${DEFAULT-VALUE}).")
  public String topicPrefix = Topic.DEFAULT_PREFIX;

  @Option(names = KafkaClientProperties.OPTION, description = KafkaClientProperties.DESCRIPTION)
  public Path kafkaProperties;

  @Option(
      names = "--group-id",
      description =
          "Consumer group of the label-requests consumer (default: <prefix>.labeling-queue).")
  public String groupId;

  @Option(
      names = "--transactional-id",
      description =
          "Transactional id of the human-labels producer; keep it stable across restarts (default: <prefix>.labeling-queue). One running instance per id.")
  public String transactionalId;

  @Option(
      names = "--data-dir",
      required = true,
      description = "RocksDB directory of tasks and outboxes.")
  public Path dataDir;

  @Option(
      names = "--host",
      description = "Address to bind (default: ${DEFAULT-VALUE}; 0.0.0.0 in containers).")
  public String host = "127.0.0.1";

  @Option(
      names = "--port",
      description = "HTTP(S) port (default: ${DEFAULT-VALUE}; 0 picks a free one).")
  public int port = ApiServer.DEFAULT_PORT;

  @Option(
      names = "--tokens-file",
      description =
          "API tokens, lines name:role:token (roles labeler, admin). Else env CTRFLOW_QUEUE_TOKENS (comma-separated).")
  public Path tokensFile;

  @Option(
      names = "--inbound-secret-file",
      description =
          "whsec_ secret of the signed inbound web hook endpoint. Else env CTRFLOW_QUEUE_INBOUND_SECRET; without either the endpoint is off.")
  public Path inboundSecretFile;

  @Option(
      names = "--tls-keystore",
      description =
          "PKCS12/JKS key store: serve HTTPS instead of HTTP. Password from env CTRFLOW_QUEUE_TLS_PASSWORD.")
  public Path tlsKeyStore;

  @Option(
      names = "--max-body-bytes",
      description =
          "Largest request body accepted; larger ones get 413 (default: ${DEFAULT-VALUE}).")
  public long maxBodyBytes = 64 * 1024;

  @Option(
      names = "--lease-timeout",
      description = "How long a labeler holds a leased task, ISO-8601 (default: ${DEFAULT-VALUE}).")
  public Duration leaseTimeout = Duration.ofMinutes(5);

  @Option(
      names = "--task-ttl",
      description = "Pending tasks older than this expire, ISO-8601 (default: ${DEFAULT-VALUE}).")
  public Duration taskTtl = Duration.ofDays(7);

  @Option(
      names = "--max-skips",
      description = "A task skipped this often expires (default: ${DEFAULT-VALUE}).")
  public int maxSkips = 3;

  @Option(
      names = "--hook-disable-after",
      description =
          "Consecutive failed deliveries that disable a web hook subscriber (default: ${DEFAULT-VALUE}).")
  public int hookDisableAfter = 10;

  @Option(
      names = "--hook-timeout",
      description = "Timeout of one web hook delivery, ISO-8601 (default: ${DEFAULT-VALUE}).")
  public Duration hookTimeout = Duration.ofSeconds(5);

  @Option(
      names = "--hook-backoff-base",
      description =
          "First retry delay of a failed delivery; doubles per attempt, with jitter (default: ${DEFAULT-VALUE}).")
  public Duration hookBackoffBase = Duration.ofSeconds(1);

  @Option(
      names = "--hook-backoff-max",
      description = "Longest retry delay (default: ${DEFAULT-VALUE}).")
  public Duration hookBackoffMax = Duration.ofMinutes(10);

  @Option(
      names = "--hook-allowed-networks",
      split = ",",
      description =
          "Networks web hooks may target although they are loopback, private or link-local, as CIDRs, e.g. 10.20.0.0/16,127.0.0.1/32 for on-premises receivers. Empty by default: such targets are refused.")
  public List<String> hookAllowedNetworks = List.of();

  @Option(
      names = "--worker-stall-timeout",
      description =
          "A background worker (Kafka consumer, label publisher, hook dispatcher) that shows no progress for this long counts as down, and the service as not ready, ISO-8601 (default: ${DEFAULT-VALUE}).")
  public Duration workerStallTimeout = Duration.ofSeconds(30);

  @Option(
      names = "--label-studio-sample-field",
      description = "Label Studio task data field with our sample id (default: ${DEFAULT-VALUE}).")
  public String labelStudioSampleField = "sample_id";

  @Option(
      names = "--label-studio-click",
      split = ",",
      description = "Label Studio choices meaning click (default: ${DEFAULT-VALUE}).")
  public List<String> labelStudioClick = List.of("Click");

  @Option(
      names = "--label-studio-no-click",
      split = ",",
      description = "Label Studio choices meaning no click (default: ${DEFAULT-VALUE}).")
  public List<String> labelStudioNoClick = List.of("No click");

  /** Checks values picocli cannot; the message says what a valid value looks like. */
  public void validate() {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port must be 0..65535; was " + port);
    }
    if (maxBodyBytes < 1024) {
      throw new IllegalArgumentException("--max-body-bytes must be >= 1024; was " + maxBodyBytes);
    }
    for (var d :
        List.of(
            leaseTimeout,
            taskTtl,
            hookTimeout,
            hookBackoffBase,
            hookBackoffMax,
            workerStallTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException("durations must be positive, e.g. PT5M; was " + d);
      }
    }
    if (maxSkips < 1 || hookDisableAfter < 1) {
      throw new IllegalArgumentException("--max-skips and --hook-disable-after must be >= 1");
    }
  }

  /** The settings of {@link #kafkaProperties} for every Kafka client; empty without the option. */
  public Properties kafkaProperties() {
    return kafkaProperties == null ? new Properties() : KafkaClientProperties.load(kafkaProperties);
  }

  public String groupId() {
    return groupId != null ? groupId : topicPrefix + ".labeling-queue";
  }

  public String transactionalId() {
    return transactionalId != null ? transactionalId : topicPrefix + ".labeling-queue";
  }
}
