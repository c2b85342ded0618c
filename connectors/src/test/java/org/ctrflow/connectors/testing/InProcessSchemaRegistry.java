package org.ctrflow.connectors.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;

/**
 * A schema registry in the test JVM serving the read side of the Confluent REST API ({@code GET
 * /schemas/ids/<id>}, answering {@code {"schema": "..."}} or 404), on a free loopback port;
 * Apicurio serves the same API under {@code /apis/ccompat/v7}. Apicurio's own registry cannot start
 * from Maven artifacts here (docs/concepts/jobs.md says why), so tests use this one. Also frames
 * records in the wire format producers write.
 */
public final class InProcessSchemaRegistry implements AutoCloseable {

  private final HttpServer server;
  private final Map<Integer, String> schemas = new ConcurrentHashMap<>();
  private final AtomicInteger nextId = new AtomicInteger(1);
  private final AtomicInteger lookups = new AtomicInteger();

  public InProcessSchemaRegistry() {
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/schemas/ids/",
        exchange -> {
          lookups.incrementAndGet();
          String path = exchange.getRequestURI().getPath();
          String schema = null;
          try {
            schema = schemas.get(Integer.parseInt(path.substring(path.lastIndexOf('/') + 1)));
          } catch (NumberFormatException e) {
            // 404 below
          }
          byte[] body =
              (schema == null
                      ? "{\"error_code\":40403,\"message\":\"Schema not found\"}"
                      : "{\"schema\":" + quote(schema) + "}")
                  .getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(schema == null ? 404 : 200, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  /** The base URL clients are given, e.g. {@code http://127.0.0.1:41234}. */
  public String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  /** Registers a schema and returns its id. */
  public int register(Schema schema) {
    int id = nextId.getAndIncrement();
    schemas.put(id, schema.toString());
    return id;
  }

  /** How many schema lookups the registry answered. */
  public int lookups() {
    return lookups.get();
  }

  /** A record in the wire format: magic byte 0, the 4-byte schema id, the binary record. */
  public static byte[] frame(int id, GenericRecord record) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
    try {
      new GenericDatumWriter<GenericRecord>(record.getSchema()).write(record, encoder);
      encoder.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static String quote(String text) {
    return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
