package org.ctrflow.jobs.training;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.flink.configuration.ConfigOption;
import org.apache.flink.configuration.ConfigOptions;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.jobs.submit.JobOptions;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.blocks.SchemaModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemaCodec;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;

/**
 * The training job's command-line options, each declared once with its type, default and
 * description; {@code --key value} on the command line sets {@code key}.
 */
public final class TrainingJobOptions {

  public static final ConfigOption<String> MODELS =
      ConfigOptions.key("models")
          .stringType()
          .defaultValue("finalmlp")
          .withDescription(
              "Comma-separated models to train, each by its own trainer, e.g. finalmlp,dnn; "
                  + "built-in: "
                  + CtrModels.NAMES);

  public static final ConfigOption<String> SCHEMA =
      ConfigOptions.key("schema")
          .stringType()
          .defaultValue("frappe")
          .withDescription(
              "Feature schema: frappe, criteo, avazu, movielens, or a schema JSON file.");

  public static final ConfigOption<String> MODEL_CONFIG =
      ConfigOptions.key("model-config")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A model config JSON file (CtrModelConfig.toJson's form) used for every model with"
                  + " its name replaced; default: each model's online config sized from the schema"
                  + " (the Frappe config for a table of at most 2^17 rows, the Criteo-sized one"
                  + " above; see docs/reference/schema.md and docs/concepts/online-training.md).");

  public static final ConfigOption<String> TRAINER_CONFIG =
      ConfigOptions.key("trainer-config")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "A JSON file of trainer settings overriding the defaults, e.g. {\"batchSize\": 256}.");

  public static final ConfigOption<String> MODEL_STORE =
      ConfigOptions.key("model-store")
          .stringType()
          .noDefaultValue()
          .withDescription(
              "Directory of the model store, shared with the model servers (required).");

  public static final ConfigOption<Long> PUBLISH_EVERY_EXAMPLES =
      ConfigOptions.key("publish-every-examples")
          .longType()
          .defaultValue(50_000L)
          .withDescription("Publish a new version after this many examples trained (>= 1).");

  public static final ConfigOption<Duration> PUBLISH_INTERVAL =
      ConfigOptions.key("publish-interval")
          .durationType()
          .defaultValue(Duration.ofSeconds(10))
          .withDescription(
              "Or when this long has passed since the last version, if anything was learned.");

  public static final ConfigOption<Integer> SNAPSHOT_EVERY =
      ConfigOptions.key("snapshot-every")
          .intType()
          .defaultValue(10)
          .withDescription("Every this many versions one is a full snapshot, the rest deltas.");

  public static final ConfigOption<Duration> TICK =
      ConfigOptions.key("tick")
          .durationType()
          .defaultValue(Duration.ofSeconds(1))
          .withDescription(
              "How often pending examples are trained and metrics are reported per model.");

  public static final ConfigOption<String> GROUP_ID =
      ConfigOptions.key("group-id")
          .stringType()
          .noDefaultValue()
          .withDescription("Kafka consumer group; default <topic-prefix>-training.");

  /**
   * Every option the training job's {@code main} accepts: {@link JobOptions#common()} and its own.
   */
  public static final List<ConfigOption<?>> ALL =
      Stream.concat(
              JobOptions.common().stream(),
              Stream.of(
                  MODELS,
                  SCHEMA,
                  MODEL_CONFIG,
                  TRAINER_CONFIG,
                  MODEL_STORE,
                  PUBLISH_EVERY_EXAMPLES,
                  PUBLISH_INTERVAL,
                  SNAPSHOT_EVERY,
                  TICK,
                  GROUP_ID))
          .toList();

  private TrainingJobOptions() {}

  /**
   * Parses {@code --key value} pairs.
   *
   * @throws IllegalArgumentException naming an unknown or incomplete option
   */
  public static Configuration parse(String[] args) {
    Map<String, String> values = new HashMap<>();
    for (int i = 0; i < args.length; i += 2) {
      String key = args[i].startsWith("--") ? args[i].substring(2) : null;
      if (key == null || ALL.stream().noneMatch(o -> o.key().equals(key))) {
        throw new IllegalArgumentException(
            "unknown option '"
                + args[i]
                + "'; valid options: "
                + ALL.stream().map(o -> "--" + o.key()).collect(Collectors.joining(", ")));
      }
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option --" + key + " needs a value");
      }
      values.put(key, args[i + 1]);
    }
    Configuration config = Configuration.fromMap(values);
    for (ConfigOption<String> required : List.of(JobOptions.BOOTSTRAP_SERVERS, MODEL_STORE)) {
      if (config.getOptional(required).isEmpty()) {
        throw new IllegalArgumentException(
            "--"
                + required.key()
                + " is required, e.g. --"
                + required.key()
                + " "
                + example(required));
      }
    }
    return config;
  }

  private static String example(ConfigOption<String> option) {
    return option == JobOptions.BOOTSTRAP_SERVERS ? "127.0.0.1:9092" : "/data/ctrflow/models";
  }

  /** The training setup these options describe. */
  public static TrainingSetup setup(Configuration config) {
    FeatureSchema schema = schema(config.get(SCHEMA));
    List<String> names = Arrays.stream(config.get(MODELS).split(",")).map(String::trim).toList();
    Optional<String> modelFile = config.getOptional(MODEL_CONFIG);
    Optional<CtrModelConfig> base = modelFile.map(f -> CtrModelConfig.fromJson(read(f)));
    TrainerConfig trainer =
        config
            .getOptional(TRAINER_CONFIG)
            .map(f -> TrainerConfig.builder().build().withOverrides(json(read(f))))
            .orElseGet(() -> TrainerConfig.builder().build());
    return TrainingSetup.of(
        schema,
        names.stream()
            .map(n -> base.map(b -> b.withModel(n)).orElseGet(() -> SchemaModels.online(n, schema)))
            .toList(),
        trainer,
        config.get(PUBLISH_EVERY_EXAMPLES),
        config.get(PUBLISH_INTERVAL).toMillis(),
        config.get(SNAPSHOT_EVERY),
        config.get(TICK).toMillis(),
        config.get(MODEL_STORE));
  }

  private static FeatureSchema schema(String value) {
    return switch (value) {
      case "frappe" -> FeatureSchemas.frappe();
      case "criteo" -> FeatureSchemas.criteo();
      case "avazu" -> FeatureSchemas.avazu();
      case "movielens" -> FeatureSchemas.movielens();
      default -> {
        if (!Files.isRegularFile(Path.of(value))) {
          throw new IllegalArgumentException(
              "--schema must be frappe, criteo, avazu, movielens or a schema JSON file; '"
                  + value
                  + "' is neither");
        }
        try {
          yield FeatureSchemaCodec.fromJson(read(value));
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException("--schema " + value + ": " + e.getMessage(), e);
        }
      }
    };
  }

  private static String read(String file) {
    try {
      return Files.readString(Path.of(file));
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + file, e);
    }
  }

  private static com.fasterxml.jackson.databind.JsonNode json(String text) {
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException("--trainer-config is not valid JSON: " + e, e);
    }
  }
}
