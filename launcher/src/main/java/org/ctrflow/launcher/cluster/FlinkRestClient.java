package org.ctrflow.launcher.cluster;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

/**
 * The few calls of Flink's REST API that ctrflow needs: cluster overview, jar upload and run, job
 * state. Errors carry Flink's own message ({@code {"errors": [...]}}).
 */
public final class FlinkRestClient {

  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SLOW_REQUEST_TIMEOUT = Duration.ofMinutes(2);

  private final URI base;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper json = new ObjectMapper();

  /** {@code base} is the REST endpoint, e.g. {@code http://127.0.0.1:8081}. */
  public FlinkRestClient(URI base) {
    this.base = base;
  }

  public URI base() {
    return base;
  }

  /** What {@code GET /overview} reports. */
  public record Overview(
      int taskManagers, int slotsTotal, int slotsAvailable, int jobsRunning, String flinkVersion) {}

  public Overview overview() throws IOException, InterruptedException {
    JsonNode o = send(request("/overview", REQUEST_TIMEOUT).GET().build());
    return new Overview(
        o.path("taskmanagers").asInt(),
        o.path("slots-total").asInt(),
        o.path("slots-available").asInt(),
        o.path("jobs-running").asInt(),
        o.path("flink-version").asText());
  }

  /** Uploads a job jar; returns the id {@link #runJar} takes. */
  public String uploadJar(Path jar) throws IOException, InterruptedException {
    String boundary = "ctrflow-" + UUID.randomUUID();
    String head =
        "--"
            + boundary
            + "\r\nContent-Disposition: form-data; name=\"jarfile\"; filename=\""
            + jar.getFileName()
            + "\"\r\nContent-Type: application/x-java-archive\r\n\r\n";
    HttpRequest upload =
        request("/jars/upload", SLOW_REQUEST_TIMEOUT)
            .header("Content-Type", "multipart/form-data; boundary=" + boundary)
            .POST(
                BodyPublishers.concat(
                    BodyPublishers.ofString(head),
                    BodyPublishers.ofFile(jar),
                    BodyPublishers.ofString("\r\n--" + boundary + "--\r\n")))
            .build();
    // Flink answers with the stored file's path; its name is the jar id.
    String stored = send(upload).path("filename").asText();
    return Path.of(stored).getFileName().toString();
  }

  /** Runs an uploaded jar's {@code entryClass}; returns the job id. */
  public String runJar(String jarId, String entryClass, List<String> args, int parallelism)
      throws IOException, InterruptedException {
    return runJar(jarId, entryClass, args, parallelism, null);
  }

  /**
   * Runs an uploaded jar's {@code entryClass}, restoring from {@code savepoint} when not null (all
   * of its state must map to the job's operators); returns the job id.
   */
  public String runJar(
      String jarId, String entryClass, List<String> args, int parallelism, String savepoint)
      throws IOException, InterruptedException {
    ObjectNode body = json.createObjectNode().put("entryClass", entryClass);
    args.forEach(body.putArray("programArgsList")::add);
    body.put("parallelism", parallelism);
    if (savepoint != null) {
      body.put("savepointPath", savepoint).put("allowNonRestoredState", false);
    }
    HttpRequest run =
        request("/jars/" + jarId + "/run", SLOW_REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json.writeValueAsString(body)))
            .build();
    // Running the main method happens inside this request, so allow for a slow job graph.
    return send(run).path("jobid").asText();
  }

  /** One job as {@code GET /jobs/overview} lists it. */
  public record JobSummary(String id, String name, String state) {}

  /** Every job the cluster knows, running or ended. */
  public List<JobSummary> jobs() throws IOException, InterruptedException {
    List<JobSummary> jobs = new java.util.ArrayList<>();
    for (JsonNode j : send(request("/jobs/overview", REQUEST_TIMEOUT).GET().build()).path("jobs")) {
      jobs.add(
          new JobSummary(
              j.path("jid").asText(), j.path("name").asText(), j.path("state").asText()));
    }
    return jobs;
  }

  /** Asks the cluster to cancel a job; returns at once (poll {@link #jobStatus}). */
  public void cancel(String jobId) throws IOException, InterruptedException {
    send(
        request("/jobs/" + jobId + "?mode=cancel", REQUEST_TIMEOUT)
            .method("PATCH", BodyPublishers.noBody())
            .build());
  }

  /** The job's state as Flink names it: RUNNING, FINISHED, FAILED, ... */
  public String jobStatus(String jobId) throws IOException, InterruptedException {
    return send(request("/jobs/" + jobId, REQUEST_TIMEOUT).GET().build()).path("state").asText();
  }

  /**
   * Stops a job with a savepoint (no drain: pending windows stay in the savepoint, to be finished
   * by the job restored from it) and waits for it; returns the savepoint's location.
   *
   * @param targetDirectory where to write it, or null for the cluster's {@code
   *     execution.checkpointing.savepoint-dir}
   */
  public String stopWithSavepoint(String jobId, String targetDirectory, Duration timeout)
      throws IOException, InterruptedException {
    ObjectNode body = json.createObjectNode().put("drain", false);
    if (targetDirectory != null) {
      body.put("targetDirectory", targetDirectory);
    }
    HttpRequest stop =
        request("/jobs/" + jobId + "/stop", REQUEST_TIMEOUT)
            .header("Content-Type", "application/json")
            .POST(BodyPublishers.ofString(json.writeValueAsString(body)))
            .build();
    String trigger = send(stop).path("request-id").asText();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      JsonNode status =
          send(request("/jobs/" + jobId + "/savepoints/" + trigger, REQUEST_TIMEOUT).GET().build());
      if (status.path("status").path("id").asText().equals("COMPLETED")) {
        JsonNode operation = status.path("operation");
        if (operation.has("failure-cause")) {
          throw new IOException(
              "stop with savepoint of job "
                  + jobId
                  + " failed: "
                  + operation.path("failure-cause").path("stack-trace").asText());
        }
        return operation.path("location").asText();
      }
      Thread.sleep(250);
    }
    throw new IOException(
        "the savepoint of job " + jobId + " did not complete within " + timeout.toSeconds() + " s");
  }

  private HttpRequest.Builder request(String path, Duration timeout) {
    return HttpRequest.newBuilder(base.resolve(path))
        .timeout(timeout)
        .header("Accept", "application/json");
  }

  private JsonNode send(HttpRequest request) throws IOException, InterruptedException {
    var response = http.send(request, BodyHandlers.ofString());
    if (response.statusCode() / 100 != 2) {
      throw new IOException(
          request.method()
              + " "
              + request.uri()
              + " answered "
              + response.statusCode()
              + ": "
              + response.body());
    }
    return json.readTree(response.body());
  }
}
