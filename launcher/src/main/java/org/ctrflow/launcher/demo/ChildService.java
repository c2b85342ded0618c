package org.ctrflow.launcher.demo;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.ctrflow.launcher.process.ChildJvm;
import org.ctrflow.launcher.process.PidFile;

/**
 * One of the demo's HTTP services in its own JVM (the labeling queue, the model server in cluster
 * mode) on a fixed port: {@link #start} starts it, and starts it again the same way (same port,
 * same data, same tokens) after it died, so its clients never need to learn a new address.
 */
final class ChildService {

  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  private final String name;
  private final ChildJvm jvm;
  private final PidFile pidFile;
  private final URI url;
  private final Path log;

  ChildService(String name, ChildJvm jvm, PidFile pidFile, int port, Path log) {
    this.name = name;
    this.jvm = jvm.logFile(log);
    this.pidFile = pidFile;
    this.url = URI.create("http://127.0.0.1:" + port + "/");
    this.log = log;
  }

  /** Starts the JVM; returns at once. */
  ProcessHandle start() throws IOException {
    return jvm.start(pidFile).toHandle();
  }

  URI url() {
    return url;
  }

  /** Whether {@code GET path} answers 200 now. */
  boolean answersOk(String path) {
    try {
      HttpResponse<Void> r =
          HTTP.send(
              HttpRequest.newBuilder(url.resolve(path)).timeout(Duration.ofSeconds(2)).build(),
              HttpResponse.BodyHandlers.discarding());
      return r.statusCode() == 200;
    } catch (IOException notAnswering) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Waits until {@code GET path} answers 200; fails naming the log when it does not in time. */
  void awaitOk(String path, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (answersOk(path)) {
        return;
      }
      Thread.sleep(300);
    }
    throw new IOException(
        "the "
            + name
            + " did not answer "
            + path
            + " within "
            + timeout.toSeconds()
            + " s; see "
            + log);
  }
}
