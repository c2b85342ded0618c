package org.ctrflow.launcher.demo;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.connectors.supervision.Supervisor.Supervised;
import org.ctrflow.launcher.demo.StatusBoard.State;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.serving.ModelServer;
import org.ctrflow.serving.ServeMain;
import org.ctrflow.serving.ServingConfig;

/**
 * The demo's model server: inside this JVM (default), or in cluster mode a JVM of its own as {@code
 * ctrflow serve} runs it (every part a process, as deployed), started again on the same port when
 * it dies; a restarted server loads the store's newest version and follows the model-updates topic.
 */
final class ModelServerRuntime {

  static final String READY_PATH = "/v2/health/ready";
  private static final Duration STOP_GRACE = Duration.ofSeconds(15);
  private static final Duration LIVE_TIMEOUT = Duration.ofSeconds(90);

  private ModelServerRuntime() {}

  /** Starts the server, registered on {@code stops}; returns its URL once it listens. */
  static URI start(
      DemoSettings settings,
      String bootstrap,
      Path modelStore,
      RunDirectory run,
      RestartingParts parts,
      StopList stops,
      StatusBoard board)
      throws Exception {
    int port = DemoPorts.preferred(8080);
    if (!settings.sessionCluster()) {
      ModelServer server =
          ModelServer.start(
              ServingConfig.defaults()
                  .withText(ServingConfig.PORT.name(), Integer.toString(port))
                  .withText(ServingConfig.BOOTSTRAP_SERVERS.name(), bootstrap)
                  .withText(ServingConfig.TOPIC_PREFIX.name(), settings.topicPrefix())
                  .withText(ServingConfig.MODEL_STORE.name(), modelStore.toString())
                  .withText(ServingConfig.MODELS.name(), settings.primaryModel()));
      stops.add("model server", server::close);
      URI url = URI.create("http://127.0.0.1:" + server.port() + "/");
      board.component(DemoRun.SERVER, State.UP, url.toString(), url + READY_PATH.substring(1));
      return url;
    }
    List<String> args =
        new ArrayList<>(
            List.of(
                "--port",
                Integer.toString(port),
                "--bootstrap-servers",
                bootstrap,
                "--topic-prefix",
                settings.topicPrefix(),
                "--model-store",
                modelStore.toString(),
                "--models",
                settings.primaryModel()));
    if (settings.kafkaProperties() != null) {
      args.addAll(List.of(KafkaClientProperties.OPTION, settings.kafkaProperties().toString()));
    }
    ChildService server =
        new ChildService(
            DemoRun.SERVER,
            ChildJvm.of(ServeMain.class.getName()).jvmOptions(List.of("-Xmx768m")).args(args),
            run.pidFile("model-server"),
            port,
            run.log("model-server"));
    Supervised process =
        parts.process(
            DemoRun.SERVER,
            server.start(),
            server::start,
            STOP_GRACE,
            () -> server.answersOk(READY_PATH),
            "own JVM, " + server.url(),
            server.url().resolve(READY_PATH).toString());
    stops.add("model server", () -> process.close(STOP_GRACE.multipliedBy(2)));
    // It is ready only once a model version exists; listening is enough to go on.
    server.awaitOk("/v2/health/live", LIVE_TIMEOUT);
    return server.url();
  }
}
