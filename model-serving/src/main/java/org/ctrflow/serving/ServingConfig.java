package org.ctrflow.serving;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.config.ConfigKey;
import org.ctrflow.connectors.config.Settings;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.models.snapshot.ModelUpdateFollower;

/**
 * Every setting of the model server, each declared once here as a {@link ConfigKey} with its
 * default and description. Immutable; {@link #with} returns a changed copy.
 */
public final class ServingConfig {

  public static final ConfigKey<Integer> PORT =
      ConfigKey.integer("port", 8080, 0, 65_535, "HTTP port; 0 picks a free one.");
  public static final ConfigKey<String> HOST =
      ConfigKey.text("host", "127.0.0.1", "Address to bind; 0.0.0.0 for every interface.");
  public static final ConfigKey<String> MODELS =
      ConfigKey.text(
          "models", "finalmlp", "Comma-separated model names to serve, e.g. finalmlp,memnet.");
  public static final ConfigKey<String> MODEL_STORE =
      ConfigKey.text("model-store", ".ctrflow/models", "Model store folder the snapshots are in.");
  public static final ConfigKey<String> BOOTSTRAP_SERVERS =
      ConfigKey.text(
          "bootstrap-servers",
          "",
          "Kafka to follow model updates from; empty serves the store's latest snapshots only.");
  public static final ConfigKey<String> TOPIC_PREFIX =
      ConfigKey.text(
          "topic-prefix", "ctrflow", "Prefix of the topic names (<prefix>.model-updates).");
  public static final ConfigKey<String> KAFKA_PROPERTIES =
      ConfigKey.text(
          KafkaClientProperties.OPTION.substring(2),
          "",
          KafkaClientProperties.DESCRIPTION + " Empty: none.");
  public static final ConfigKey<String> DEVICE =
      ConfigKey.text(
          "device", "auto", "auto, cpu, gpu or gpu:N; auto picks GPU 0 when the engine sees one.");
  public static final ConfigKey<Boolean> BATCHING =
      ConfigKey.flag(
          "batching",
          true,
          "Score concurrent requests in one batch (false: one pass per request).");
  public static final ConfigKey<Integer> MAX_BATCH_ROWS =
      ConfigKey.integer(
          "max-batch-rows", 512, 1, 65_536, "Most rows one batched forward pass scores.");
  public static final ConfigKey<Duration> MAX_QUEUE_DELAY =
      ConfigKey.duration(
          "max-queue-delay",
          Duration.ofNanos(500_000),
          Duration.ZERO,
          Duration.ofSeconds(1),
          "Longest a request waits for others to join its batch.");
  public static final ConfigKey<Integer> QUEUE_CAPACITY =
      ConfigKey.integer(
          "queue-capacity",
          256,
          1,
          1_000_000,
          "Requests waiting per model before new ones get 429 Too Many Requests.");
  public static final ConfigKey<Duration> RETRY_AFTER =
      ConfigKey.duration(
          "retry-after",
          Duration.ofSeconds(1),
          Duration.ofSeconds(1),
          Duration.ofHours(1),
          "Retry-After sent when the server is busy (429, 503), in whole seconds rounded up.");
  public static final ConfigKey<Integer> MAX_BODY_BYTES =
      ConfigKey.integer(
          "max-body-bytes", 4 << 20, 1_024, 1 << 30, "Largest request body; larger gets 413.");
  public static final ConfigKey<Integer> MAX_ROWS =
      ConfigKey.integer("max-rows", 4_096, 1, 1 << 20, "Most rows one request may score.");
  public static final ConfigKey<Integer> MAX_JSON_VALUES =
      ConfigKey.integer(
          "max-json-values",
          1 << 18,
          16,
          1 << 30,
          "Most JSON values (tensor elements, features, arrays, objects) one request body may hold;"
              + " counted while it is parsed, so more gets 413 before taking memory.");
  public static final ConfigKey<Integer> MAX_INFLIGHT_BYTES =
      ConfigKey.integer(
          "max-inflight-bytes",
          0,
          0,
          Integer.MAX_VALUE,
          "Heap the requests being read, parsed and scored may take together, estimated from"
              + " their bodies; a request beyond it gets 503 with Retry-After before its body is"
              + " read. 0: a quarter of the JVM's maximum heap.");
  public static final ConfigKey<Integer> WARM_VERSIONS =
      ConfigKey.integer(
          "warm-versions",
          3,
          1,
          100,
          "Versions per model kept loaded, for /versions/{v}/infer and instant rollback.");
  public static final ConfigKey<String> ADMIN_TOKEN =
      ConfigKey.text(
          "admin-token",
          "",
          "Bearer token of the /admin endpoints (pin, unpin); empty disables them.");
  public static final ConfigKey<Duration> REFRESH_POLL =
      ConfigKey.duration(
          "refresh-poll",
          Duration.ofMillis(50),
          Duration.ofMillis(1),
          Duration.ofSeconds(10),
          "Longest wait of one poll of the model-updates topic.");
  public static final ConfigKey<Integer> MAX_DELTA_BYTES =
      ConfigKey.integer(
          "max-delta-bytes",
          ModelUpdateFollower.DEFAULT_MAX_DELTA_BYTES,
          ModelUpdate.MAX_CHUNK_BYTES,
          Integer.MAX_VALUE - 8,
          "Largest model delta held while its chunks arrive; a larger one is rejected at its"
              + " first chunk.");
  public static final ConfigKey<Duration> WORKER_RESTART_BACKOFF =
      ConfigKey.duration(
          "worker-restart-backoff",
          Duration.ofSeconds(1),
          Duration.ofMillis(1),
          Duration.ofMinutes(1),
          "First wait before a failed background worker (batcher, model refresher) is restarted;"
              + " doubles per failure in a row, up to a minute. Readiness is false meanwhile.");

  /** All keys, in documentation order. */
  public static final List<ConfigKey<?>> KEYS =
      List.of(
          PORT,
          HOST,
          MODELS,
          MODEL_STORE,
          BOOTSTRAP_SERVERS,
          TOPIC_PREFIX,
          KAFKA_PROPERTIES,
          DEVICE,
          BATCHING,
          MAX_BATCH_ROWS,
          MAX_QUEUE_DELAY,
          QUEUE_CAPACITY,
          RETRY_AFTER,
          MAX_BODY_BYTES,
          MAX_ROWS,
          MAX_JSON_VALUES,
          MAX_INFLIGHT_BYTES,
          WARM_VERSIONS,
          ADMIN_TOKEN,
          REFRESH_POLL,
          MAX_DELTA_BYTES,
          WORKER_RESTART_BACKOFF);

  private final Settings settings;

  private ServingConfig(Settings settings) {
    this.settings = settings;
  }

  public static ServingConfig defaults() {
    return new ServingConfig(Settings.defaults(KEYS, "server setting"));
  }

  /**
   * Settings by key name, e.g. from {@code --set max-batch-rows=256}.
   *
   * @throws IllegalArgumentException for an unknown key (listing the known ones) or a bad value
   */
  public static ServingConfig of(Map<String, String> settings) {
    return new ServingConfig(Settings.of(settings, KEYS, "server setting"));
  }

  /** A copy with {@code name} set from its text form. */
  public ServingConfig withText(String name, String text) {
    return new ServingConfig(settings.withText(name, text));
  }

  public <T> ServingConfig with(ConfigKey<T> key, T value) {
    return new ServingConfig(settings.with(key, value));
  }

  public <T> T get(ConfigKey<T> key) {
    return settings.get(key);
  }

  /** {@link #RETRY_AFTER} in whole seconds, as the Retry-After header carries it. */
  public int retryAfterSeconds() {
    Duration d = get(RETRY_AFTER);
    return (int) (d.toSeconds() + (d.toNanosPart() > 0 ? 1 : 0));
  }

  /** {@link #MODELS} as a list. */
  public List<String> modelNames() {
    List<String> names =
        Arrays.stream(get(MODELS).split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    if (names.isEmpty()) {
      throw new IllegalArgumentException("models must name at least one model, e.g. finalmlp");
    }
    return names;
  }

  /** The key table for {@code --list-settings}: name, default, accepted values, description. */
  public static String describe() {
    StringBuilder out = new StringBuilder();
    for (ConfigKey<?> key : KEYS) {
      out.append(
          String.format(
              "  %-22s %-16s %s (%s)%n",
              key.name(), "'" + key.defaultText() + "'", key.description(), key.accepted()));
    }
    return out.toString();
  }
}
