package org.ctrflow.connectors.formats;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.avro.Schema;
import org.ctrflow.connectors.events.InvalidEventException;

/**
 * Writer schemas by id, as the Confluent wire format refers to them: from a registry's REST API
 * ({@code GET <url>/schemas/ids/<id>}: Confluent Schema Registry, Apicurio's {@code
 * /apis/ccompat/v7}, Karapace, Redpanda), or from a directory of {@code <id>.avsc} files ({@code
 * file:} URLs) where no registry is reachable. Parsed schemas are cached (at most {@link
 * #CACHE_SIZE}); one lookup takes at most {@link #TIMEOUT} and reads at most {@link
 * #MAX_SCHEMA_BYTES}.
 */
final class SchemaRegistry {

  static final int CACHE_SIZE = 1024;
  static final Duration TIMEOUT = Duration.ofSeconds(5);
  static final int MAX_SCHEMA_BYTES = 1 << 20;

  private static final ObjectMapper JSON = new ObjectMapper();

  private final String url;
  private final HttpClient http;
  private final Map<Integer, Schema> cache =
      new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Integer, Schema> eldest) {
          return size() > CACHE_SIZE;
        }
      };

  SchemaRegistry(String url) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
    this.http =
        url.startsWith("file:") ? null : HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * The writer schema of {@code id}.
   *
   * @throws InvalidEventException when the registry has no such schema or it is not Avro (the
   *     record is at fault: dead-letter it)
   * @throws SchemaRegistryUnavailableException when the registry cannot be asked (retry later)
   */
  synchronized Schema schema(int id) {
    Schema schema = cache.get(id);
    if (schema == null) {
      schema = parse(id, http == null ? fromFile(id) : fromRegistry(id));
      cache.put(id, schema);
    }
    return schema;
  }

  private String fromFile(int id) {
    Path file = Path.of(URI.create(url + "/" + id + ".avsc"));
    if (!Files.isRegularFile(file)) {
      throw new InvalidEventException("$", "schema id " + id + " is unknown: no file " + file);
    }
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new SchemaRegistryUnavailableException(
          "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  private String fromRegistry(int id) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url + "/schemas/ids/" + id))
            .timeout(TIMEOUT)
            .GET()
            .build();
    HttpResponse<InputStream> response;
    byte[] body;
    try {
      response = http.send(request, HttpResponse.BodyHandlers.ofInputStream());
      try (InputStream in = response.body()) {
        body = in.readNBytes(MAX_SCHEMA_BYTES + 1);
      }
    } catch (IOException e) {
      throw new SchemaRegistryUnavailableException(
          "schema registry " + url + " did not answer for schema id " + id + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new SchemaRegistryUnavailableException("interrupted asking " + url, e);
    }
    if (response.statusCode() == 404) {
      throw new InvalidEventException("$", "schema id " + id + " is not in the registry at " + url);
    }
    if (response.statusCode() != 200) {
      throw new SchemaRegistryUnavailableException(
          "schema registry " + url + " answered " + response.statusCode() + " for schema id " + id,
          null);
    }
    if (body.length > MAX_SCHEMA_BYTES) {
      throw new InvalidEventException(
          "$", "schema id " + id + " is over " + MAX_SCHEMA_BYTES + " bytes");
    }
    try {
      JsonNode node = JSON.readTree(body);
      JsonNode type = node.get("schemaType");
      if (type != null && !type.asText().equals("AVRO")) {
        throw new InvalidEventException(
            "$", "schema id " + id + " is " + type.asText() + ", not AVRO");
      }
      return node.get("schema").asText();
    } catch (IOException | NullPointerException e) {
      throw new SchemaRegistryUnavailableException(
          "schema registry " + url + " sent no {\"schema\": ...} for id " + id, e);
    }
  }

  private static Schema parse(int id, String text) {
    try {
      return new Schema.Parser().parse(text);
    } catch (RuntimeException e) {
      throw new InvalidEventException(
          "$", "schema id " + id + " is not a valid Avro schema: " + e.getMessage(), e);
    }
  }
}
