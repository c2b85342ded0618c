package org.ctrflow.launcher.demo;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * The labeling queue's HTTP API as a labeler uses it (docs/concepts/labeling-queue.md): lease the
 * most uncertain pending task, label or skip it, read the queue's statistics. Every call carries
 * the labeler's bearer token.
 */
final class QueueClient {

  /** A leased task: the sample to label. */
  record Task(String sampleId) {}

  /** The queue's task counts. */
  record Stats(long pending, long leased, long labeled, long expired) {}

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Duration TIMEOUT = Duration.ofSeconds(10);

  private final URI base;
  private final String token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  QueueClient(URI base, String token) {
    this.base = base;
    this.token = token;
  }

  /** Leases the next task, or empty when none waits. */
  Optional<Task> lease() throws IOException, InterruptedException {
    HttpResponse<String> r = send(post("/api/tasks/lease", ""));
    if (r.statusCode() == 204) {
      return Optional.empty();
    }
    JsonNode body = expectOk(r, "lease");
    JsonNode id = body.path("request").path("sampleId");
    if (!id.isTextual()) {
      throw new IOException("lease: answer without request.sampleId: " + r.body());
    }
    return Optional.of(new Task(id.asText()));
  }

  void label(String sampleId, int label) throws IOException, InterruptedException {
    expectOk(send(post(taskPath(sampleId, "label"), "{\"label\": " + label + "}")), "label");
  }

  void skip(String sampleId) throws IOException, InterruptedException {
    expectOk(send(post(taskPath(sampleId, "skip"), "")), "skip");
  }

  Stats stats() throws IOException, InterruptedException {
    JsonNode tasks = expectOk(send(request("/api/stats").GET().build()), "stats").path("tasks");
    return new Stats(
        tasks.path("pending").asLong(),
        tasks.path("leased").asLong(),
        tasks.path("labeled").asLong(),
        tasks.path("expired").asLong());
  }

  private static String taskPath(String sampleId, String action) {
    return "/api/tasks/"
        + java.net.URLEncoder.encode(sampleId, StandardCharsets.UTF_8).replace("+", "%20")
        + "/"
        + action;
  }

  private HttpRequest post(String path, String body) {
    return request(path)
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
        .build();
  }

  private HttpRequest.Builder request(String path) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(TIMEOUT)
        .header("Authorization", "Bearer " + token);
  }

  private HttpResponse<String> send(HttpRequest request) throws IOException, InterruptedException {
    return http.send(request, HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
  }

  private static JsonNode expectOk(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() != 200) {
      throw new IOException("labeling queue " + what + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body());
  }
}
