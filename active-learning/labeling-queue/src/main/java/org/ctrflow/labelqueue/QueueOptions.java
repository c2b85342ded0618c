package org.ctrflow.labelqueue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Properties;
import java.util.Set;
import org.ctrflow.connectors.config.ConfigKey;
import org.ctrflow.connectors.config.Durations;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.topics.Topic;
import org.ctrflow.labelqueue.http.ApiServer;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;

/**
 * Every setting of the labeling queue, declared once as a {@link ConfigKey} with its type, default
 * and description; the command line ({@link #commandSpec}), validation and the docs read them from
 * here. Secrets (tokens, the inbound web hook secret, the key store password) come from files or
 * environment variables, never from the command line, where they would show in process listings.
 */
public final class QueueOptions {

  public static final ConfigKey<String> BOOTSTRAP_SERVERS =
      ConfigKey.text("bootstrap-servers", null, "Kafka bootstrap servers, e.g. 127.0.0.1:9092.");
  public static final ConfigKey<String> TOPIC_PREFIX =
      ConfigKey.text("topic-prefix", Topic.DEFAULT_PREFIX, "Topic prefix.");
  public static final ConfigKey<Path> KAFKA_PROPERTIES =
      ConfigKey.path(KafkaClientProperties.OPTION.substring(2), KafkaClientProperties.DESCRIPTION);
  public static final ConfigKey<String> GROUP_ID =
      ConfigKey.text(
          "group-id",
          null,
          "Consumer group of the label-requests consumer; unset: <prefix>.labeling-queue.");
  public static final ConfigKey<String> TRANSACTIONAL_ID =
      ConfigKey.text(
          "transactional-id",
          null,
          "Transactional id of the human-labels producer; keep it stable across restarts."
              + " One running instance per id. Unset: <prefix>.labeling-queue.");
  public static final ConfigKey<Path> DATA_DIR =
      ConfigKey.path("data-dir", "RocksDB directory of tasks and outboxes.");
  public static final ConfigKey<String> HOST =
      ConfigKey.text("host", "127.0.0.1", "Address to bind; 0.0.0.0 in containers.");
  public static final ConfigKey<Integer> PORT =
      ConfigKey.integer(
          "port", ApiServer.DEFAULT_PORT, 0, 65_535, "HTTP(S) port; 0 picks a free one.");
  public static final ConfigKey<Path> TOKENS_FILE =
      ConfigKey.path(
          "tokens-file",
          "API tokens, lines name:role:token (roles labeler, admin). Else env"
              + " CTRFLOW_QUEUE_TOKENS (comma-separated).");
  public static final ConfigKey<Path> INBOUND_SECRET_FILE =
      ConfigKey.path(
          "inbound-secret-file",
          "whsec_ secret of the signed inbound web hook endpoint. Else env"
              + " CTRFLOW_QUEUE_INBOUND_SECRET; without either the endpoint is off.");
  public static final ConfigKey<Path> TLS_KEY_STORE =
      ConfigKey.path(
          "tls-keystore",
          "PKCS12/JKS key store: serve HTTPS instead of HTTP. Password from env"
              + " CTRFLOW_QUEUE_TLS_PASSWORD.");
  public static final ConfigKey<Long> MAX_BODY_BYTES =
      ConfigKey.longInteger(
          "max-body-bytes",
          64L * 1024,
          1024,
          Long.MAX_VALUE,
          "Largest request body accepted; larger ones get 413.");
  public static final ConfigKey<Duration> LEASE_TIMEOUT =
      duration("lease-timeout", Duration.ofMinutes(5), "How long a labeler holds a leased task.");
  public static final ConfigKey<Duration> TASK_TTL =
      duration("task-ttl", Duration.ofDays(7), "Pending tasks older than this expire.");
  public static final ConfigKey<Integer> MAX_SKIPS =
      ConfigKey.integer("max-skips", 3, 1, Integer.MAX_VALUE, "A task skipped this often expires.");
  public static final ConfigKey<Integer> HOOK_DISABLE_AFTER =
      ConfigKey.integer(
          "hook-disable-after",
          10,
          1,
          Integer.MAX_VALUE,
          "Consecutive failed deliveries that disable a web hook subscriber.");
  public static final ConfigKey<Duration> HOOK_TIMEOUT =
      duration("hook-timeout", Duration.ofSeconds(5), "Timeout of one web hook delivery.");
  public static final ConfigKey<Duration> HOOK_BACKOFF_BASE =
      duration(
          "hook-backoff-base",
          Duration.ofSeconds(1),
          "First retry delay of a failed delivery; doubles per attempt, with jitter.");
  public static final ConfigKey<Duration> HOOK_BACKOFF_MAX =
      duration("hook-backoff-max", Duration.ofMinutes(10), "Longest retry delay.");
  public static final ConfigKey<List<String>> HOOK_ALLOWED_NETWORKS =
      ConfigKey.list(
          "hook-allowed-networks",
          "",
          "Networks web hooks may target although they are loopback, private or link-local, as"
              + " CIDRs, e.g. 10.20.0.0/16,127.0.0.1/32 for on-premises receivers; other such"
              + " targets are refused.");
  public static final ConfigKey<Duration> WORKER_STALL_TIMEOUT =
      duration(
          "worker-stall-timeout",
          Duration.ofSeconds(30),
          "A background worker (Kafka consumer, label publisher, hook dispatcher) that shows no"
              + " progress for this long counts as down, and the service as not ready.");
  public static final ConfigKey<String> LABEL_STUDIO_SAMPLE_FIELD =
      ConfigKey.text(
          "label-studio-sample-field",
          "sample_id",
          "Label Studio task data field with our sample id.");
  public static final ConfigKey<List<String>> LABEL_STUDIO_CLICK =
      ConfigKey.list("label-studio-click", "Click", "Label Studio choices meaning click.");
  public static final ConfigKey<List<String>> LABEL_STUDIO_NO_CLICK =
      ConfigKey.list("label-studio-no-click", "No click", "Label Studio choices meaning no click.");

  /** Every key, in documentation order. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(
          BOOTSTRAP_SERVERS,
          TOPIC_PREFIX,
          KAFKA_PROPERTIES,
          GROUP_ID,
          TRANSACTIONAL_ID,
          DATA_DIR,
          HOST,
          PORT,
          TOKENS_FILE,
          INBOUND_SECRET_FILE,
          TLS_KEY_STORE,
          MAX_BODY_BYTES,
          LEASE_TIMEOUT,
          TASK_TTL,
          MAX_SKIPS,
          HOOK_DISABLE_AFTER,
          HOOK_TIMEOUT,
          HOOK_BACKOFF_BASE,
          HOOK_BACKOFF_MAX,
          HOOK_ALLOWED_NETWORKS,
          WORKER_STALL_TIMEOUT,
          LABEL_STUDIO_SAMPLE_FIELD,
          LABEL_STUDIO_CLICK,
          LABEL_STUDIO_NO_CLICK);

  /** Keys the service cannot start without. */
  public static final Set<ConfigKey<?>> REQUIRED = Set.of(BOOTSTRAP_SERVERS, DATA_DIR);

  public String bootstrapServers = BOOTSTRAP_SERVERS.defaultValue();
  public String topicPrefix = TOPIC_PREFIX.defaultValue();
  public Path kafkaProperties = KAFKA_PROPERTIES.defaultValue();
  public String groupId = GROUP_ID.defaultValue();
  public String transactionalId = TRANSACTIONAL_ID.defaultValue();
  public Path dataDir = DATA_DIR.defaultValue();
  public String host = HOST.defaultValue();
  public int port = PORT.defaultValue();
  public Path tokensFile = TOKENS_FILE.defaultValue();
  public Path inboundSecretFile = INBOUND_SECRET_FILE.defaultValue();
  public Path tlsKeyStore = TLS_KEY_STORE.defaultValue();
  public long maxBodyBytes = MAX_BODY_BYTES.defaultValue();
  public Duration leaseTimeout = LEASE_TIMEOUT.defaultValue();
  public Duration taskTtl = TASK_TTL.defaultValue();
  public int maxSkips = MAX_SKIPS.defaultValue();
  public int hookDisableAfter = HOOK_DISABLE_AFTER.defaultValue();
  public Duration hookTimeout = HOOK_TIMEOUT.defaultValue();
  public Duration hookBackoffBase = HOOK_BACKOFF_BASE.defaultValue();
  public Duration hookBackoffMax = HOOK_BACKOFF_MAX.defaultValue();
  public List<String> hookAllowedNetworks = HOOK_ALLOWED_NETWORKS.defaultValue();
  public Duration workerStallTimeout = WORKER_STALL_TIMEOUT.defaultValue();
  public String labelStudioSampleField = LABEL_STUDIO_SAMPLE_FIELD.defaultValue();
  public List<String> labelStudioClick = LABEL_STUDIO_CLICK.defaultValue();
  public List<String> labelStudioNoClick = LABEL_STUDIO_NO_CLICK.defaultValue();

  private static ConfigKey<Duration> duration(String name, Duration fallback, String description) {
    return ConfigKey.duration(
        name, fallback, Duration.ofMillis(1), Duration.ofDays(365), description);
  }

  /**
   * The command-line options of {@link #KEYS}, {@code --name value}, as a picocli mixin: each value
   * is read by its key, so a bad one fails naming the option and what is accepted.
   */
  public static CommandSpec commandSpec() {
    CommandSpec spec = CommandSpec.create();
    for (ConfigKey<?> key : KEYS) {
      spec.addOption(
          OptionSpec.builder("--" + key.name())
              .type(String.class)
              .paramLabel("<" + key.name() + ">")
              .required(REQUIRED.contains(key))
              .defaultValue(key.defaultText())
              .showDefaultValue(CommandLine.Help.Visibility.ALWAYS)
              .description(
                  key.description()
                      + (key.type() == String.class ? "" : " Accepted: " + key.accepted() + "."))
              .build());
    }
    return spec;
  }

  /**
   * The options given on the command line parsed into {@code spec} (which holds {@link
   * #commandSpec}).
   *
   * @throws IllegalArgumentException naming an option with a bad value and what is accepted
   */
  public static QueueOptions from(CommandSpec spec) {
    QueueOptions o = new QueueOptions();
    for (ConfigKey<?> key : KEYS) {
      String text = spec.findOption("--" + key.name()).getValue();
      if (text != null) {
        o.set(key, key.parse(text));
      }
    }
    return o;
  }

  @SuppressWarnings("unchecked")
  private void set(ConfigKey<?> key, Object value) {
    switch (key.name()) {
      case "bootstrap-servers" -> bootstrapServers = (String) value;
      case "topic-prefix" -> topicPrefix = (String) value;
      case "kafka-properties" -> kafkaProperties = (Path) value;
      case "group-id" -> groupId = (String) value;
      case "transactional-id" -> transactionalId = (String) value;
      case "data-dir" -> dataDir = (Path) value;
      case "host" -> host = (String) value;
      case "port" -> port = (Integer) value;
      case "tokens-file" -> tokensFile = (Path) value;
      case "inbound-secret-file" -> inboundSecretFile = (Path) value;
      case "tls-keystore" -> tlsKeyStore = (Path) value;
      case "max-body-bytes" -> maxBodyBytes = (Long) value;
      case "lease-timeout" -> leaseTimeout = (Duration) value;
      case "task-ttl" -> taskTtl = (Duration) value;
      case "max-skips" -> maxSkips = (Integer) value;
      case "hook-disable-after" -> hookDisableAfter = (Integer) value;
      case "hook-timeout" -> hookTimeout = (Duration) value;
      case "hook-backoff-base" -> hookBackoffBase = (Duration) value;
      case "hook-backoff-max" -> hookBackoffMax = (Duration) value;
      case "hook-allowed-networks" -> hookAllowedNetworks = (List<String>) value;
      case "worker-stall-timeout" -> workerStallTimeout = (Duration) value;
      case "label-studio-sample-field" -> labelStudioSampleField = (String) value;
      case "label-studio-click" -> labelStudioClick = (List<String>) value;
      case "label-studio-no-click" -> labelStudioNoClick = (List<String>) value;
      default -> throw new IllegalStateException("no field for key " + key.name());
    }
  }

  /**
   * Checks values set in code (the command line is checked by each key as it is read); the message
   * says what a valid value looks like.
   */
  public void validate() {
    check(PORT, port);
    check(MAX_BODY_BYTES, maxBodyBytes);
    check(MAX_SKIPS, maxSkips);
    check(HOOK_DISABLE_AFTER, hookDisableAfter);
    for (var d :
        List.of(
            leaseTimeout,
            taskTtl,
            hookTimeout,
            hookBackoffBase,
            hookBackoffMax,
            workerStallTimeout)) {
      if (d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(
            "durations must be positive, e.g. 5 min; was " + Durations.format(d));
      }
    }
    if (bootstrapServers == null || dataDir == null) {
      throw new IllegalArgumentException("--bootstrap-servers and --data-dir are required");
    }
  }

  private static void check(ConfigKey<?> key, Object value) {
    key.parse(String.valueOf(value));
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
