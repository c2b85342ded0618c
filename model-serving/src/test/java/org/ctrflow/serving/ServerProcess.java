package org.ctrflow.serving;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;

/**
 * A model server in its own JVM, started as the docs say ({@code ServeMain} with command-line
 * options) with a heap of its own, so memory attacks meet a real heap limit. Its output goes to a
 * log file the tests read.
 */
final class ServerProcess implements AutoCloseable {

  private final Process process;
  private final Path log;
  private final int port;

  private ServerProcess(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /**
   * Starts {@code ServeMain} with {@code args} (plus {@code --port}) and waits until it is live.
   *
   * @param heap e.g. {@code 256m}
   * @param env extra environment, e.g. the admin token
   */
  static ServerProcess start(
      String heap, int port, List<String> args, Map<String, String> env, Path log)
      throws IOException {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("@" + Path.of(System.getProperty("ctrflow.project.dir"), "bin", "jvm.options"));
    cmd.add("-Xmx" + heap);
    cmd.add("-cp");
    cmd.add(System.getProperty("surefire.test.class.path", System.getProperty("java.class.path")));
    cmd.add(ServeMain.class.getName());
    cmd.add("--port");
    cmd.add(Integer.toString(port));
    cmd.addAll(args);
    ProcessBuilder builder =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    builder.environment().putAll(env);
    ServerProcess server = new ServerProcess(builder.start(), log, port);
    try {
      Http http = new Http(port);
      Awaitility.await()
          .atMost(Duration.ofSeconds(90))
          .pollInterval(Duration.ofMillis(200))
          .ignoreExceptionsMatching(e -> e instanceof IOException)
          .until(
              () -> {
                if (!server.process.isAlive()) {
                  throw new AssertionError("server exited; its log:\n" + server.log());
                }
                return http.get(InferenceServer.LIVE_PATH).statusCode() == 200;
              });
    } catch (RuntimeException | AssertionError e) {
      server.close();
      throw e;
    }
    return server;
  }

  int port() {
    return port;
  }

  boolean alive() {
    return process.isAlive();
  }

  /** Everything the server has written so far. */
  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(20, TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
