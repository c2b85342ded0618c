package org.ctrflow.serving;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow serve}: the model server (docs/concepts/model-serving.md). The common settings
 * have their own options; every setting, with its default, is listed by {@code --list-settings} and
 * can be given as {@code --set key=value}. The admin token comes from {@code CTRFLOW_ADMIN_TOKEN},
 * so it never shows in a process list. It lives in this module, not the launcher, so {@link
 * ServeMain} runs it on a class path without Flink (the model-server image); the launcher only
 * registers it.
 */
@Command(
    name = "serve",
    mixinStandardHelpOptions = true,
    description = "Serves CTR models over HTTP (KServe v2 + compact JSON), refreshed from Kafka.")
public final class ServeCommand implements Callable<Integer> {

  static final String ADMIN_TOKEN_ENV = "CTRFLOW_ADMIN_TOKEN";

  @Spec picocli.CommandLine.Model.CommandSpec spec;

  @Option(names = "--port", description = "HTTP port: the setting port.")
  Integer port;

  @Option(names = "--bootstrap-servers", description = "Kafka; omit to serve the store only.")
  String bootstrapServers;

  @Option(names = KafkaClientProperties.OPTION, description = KafkaClientProperties.DESCRIPTION)
  String kafkaProperties;

  @Option(names = "--topic-prefix", description = "Topic prefix: the setting topic-prefix.")
  String topicPrefix;

  @Option(names = "--model-store", description = "Model store folder: the setting model-store.")
  String modelStore;

  @Option(names = "--device", description = "auto, cpu, gpu or gpu:N: the setting device.")
  String device;

  @Option(names = "--models", description = "Comma-separated model names: the setting models.")
  String models;

  @Option(names = "--set", description = "Any setting as key=value; see --list-settings.")
  Map<String, String> settings = new LinkedHashMap<>();

  @Option(
      names = "--list-settings",
      description = "Print every setting with its default and accepted values.")
  boolean listSettings;

  @Override
  public Integer call() throws InterruptedException {
    if (listSettings) {
      spec.commandLine().getOut().print(ServingConfig.describe());
      return 0;
    }
    ServingConfig config;
    try {
      config = ServingConfig.of(settings);
      config = set(config, ServingConfig.PORT.name(), port);
      config = set(config, ServingConfig.BOOTSTRAP_SERVERS.name(), bootstrapServers);
      config = set(config, ServingConfig.TOPIC_PREFIX.name(), topicPrefix);
      config = set(config, ServingConfig.KAFKA_PROPERTIES.name(), kafkaProperties);
      config = set(config, ServingConfig.MODEL_STORE.name(), modelStore);
      config = set(config, ServingConfig.DEVICE.name(), device);
      config = set(config, ServingConfig.MODELS.name(), models);
      config = set(config, ServingConfig.ADMIN_TOKEN.name(), System.getenv(ADMIN_TOKEN_ENV));
      config.modelNames();
      KafkaClientProperties.load(config.get(ServingConfig.KAFKA_PROPERTIES));
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
    CountDownLatch stopped = new CountDownLatch(1);
    ModelServer server = ModelServer.start(config);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    spec.commandLine()
        .getOut()
        .printf(
            "serving %s on http://%s:%d (device %s); Ctrl-C stops%n",
            config.modelNames(), config.get(ServingConfig.HOST), server.port(), server.device());
    spec.commandLine().getOut().flush();
    stopped.await();
    return 0;
  }

  private static ServingConfig set(ServingConfig config, String key, Object value) {
    return value == null ? config : config.withText(key, value.toString());
  }
}
