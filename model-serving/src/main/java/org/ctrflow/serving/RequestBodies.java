package org.ctrflow.serving;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.InputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads a scoring request's JSON body within the server's limits, each checked before the memory it
 * guards is taken: a declared length over {@code max-body-bytes} gets 413; then the request
 * reserves its estimated heap in the {@link InflightBudget} or gets 503 with Retry-After; a body
 * sent without a length gets 413 as soon as it passes the limit; parsing stops at {@code
 * max-json-values} values (413) and {@link Json#MAX_DEPTH} levels (400).
 */
final class RequestBodies {

  /**
   * Heap one JSON value takes once parsed into a tree and then into feature rows, an upper bound:
   * 70-181 bytes measured ({@code RequestHeapTest}). Every value needs two bytes of body at least,
   * so a body of n bytes costs at most 2n (the bytes, and their copy while read) + min(n/2 + 1,
   * max-json-values) * this.
   */
  static final long HEAP_BYTES_PER_VALUE = 256;

  /** How many times the body limit an oversized body is read and dropped before the answer. */
  private static final long DISCARD_LIMIT_FACTOR = 8;

  private static final Logger LOG = LoggerFactory.getLogger(RequestBodies.class);

  private final int maxBody;
  private final int maxValues;
  private final int retryAfterSeconds;
  private final InflightBudget budget;

  RequestBodies(ServingConfig config, ServingMetrics metrics) {
    this.maxBody = config.get(ServingConfig.MAX_BODY_BYTES);
    this.maxValues = config.get(ServingConfig.MAX_JSON_VALUES);
    this.retryAfterSeconds = config.retryAfterSeconds();
    int configured = config.get(ServingConfig.MAX_INFLIGHT_BYTES);
    long limit = configured > 0 ? configured : Runtime.getRuntime().maxMemory() / 4;
    this.budget = new InflightBudget(limit, metrics.inflightBytes);
  }

  /** A parsed body and the heap it holds; close once the request is answered. */
  record Admitted(JsonNode body, InflightBudget.Lease lease) implements AutoCloseable {
    @Override
    public void close() {
      lease.close();
    }
  }

  /**
   * @throws ApiException 413 for a body over the limits, 503 (with Retry-After) when the server has
   *     no room for it now, 400 for one that is not a JSON object
   */
  Admitted read(Context ctx) {
    long length = ctx.req().getContentLengthLong();
    if (length > maxBody) {
      discard(ctx, Math.min(length, DISCARD_LIMIT_FACTOR * maxBody));
      throw new ApiException(
          413, "body: " + length + " bytes exceed this server's limit of " + maxBody + " bytes");
    }
    long estimate = heapEstimate(length >= 0 ? length : maxBody);
    InflightBudget.Lease lease = budget.tryReserve(estimate);
    if (lease == null) {
      discard(ctx, length >= 0 ? length : DISCARD_LIMIT_FACTOR * maxBody);
      throw ApiException.busy(
          503,
          "requests in flight hold the heap this server gives them (max-inflight-bytes="
              + budget.limit()
              + "); this one needs "
              + estimate,
          retryAfterSeconds);
    }
    try {
      byte[] bytes = readAtMost(ctx);
      lease.shrinkTo(heapEstimate(bytes.length));
      return new Admitted(Json.parseObject(bytes, maxValues), lease);
    } catch (RuntimeException e) {
      lease.close();
      throw e;
    }
  }

  private long heapEstimate(long bodyBytes) {
    return heapEstimate(bodyBytes, maxValues);
  }

  /** The most heap a body of {@code bodyBytes} takes until its request is answered. */
  static long heapEstimate(long bodyBytes, int maxValues) {
    return 2 * bodyBytes + Math.min(bodyBytes / 2 + 1, maxValues) * HEAP_BYTES_PER_VALUE;
  }

  /** The whole body, or 413 once it passes the limit (a body sent without a length). */
  private byte[] readAtMost(Context ctx) {
    byte[] bytes;
    try {
      bytes = ctx.req().getInputStream().readNBytes(maxBody + 1);
    } catch (IOException e) {
      throw ApiException.badRequest("body: could not be read: " + e.getMessage());
    }
    if (bytes.length > maxBody) {
      discard(ctx, (DISCARD_LIMIT_FACTOR - 1) * maxBody);
      throw new ApiException(
          413,
          "body: more than "
              + maxBody
              + " bytes, sent without a length, exceed this server's limit of "
              + maxBody
              + " bytes");
    }
    return bytes;
  }

  /**
   * Reads and drops up to {@code bytes} of the request body. Answering while the client still sends
   * makes the server close a connection with unread bytes, which resets it: the client then saw
   * "header parser received no bytes" instead of the answer. Bodies beyond the cap still get the
   * reset rather than unbounded reading.
   */
  private static void discard(Context ctx, long bytes) {
    byte[] buffer = new byte[8192];
    try {
      InputStream in = ctx.req().getInputStream();
      for (long left = bytes; left > 0; ) {
        int n = in.read(buffer, 0, (int) Math.min(buffer.length, left));
        if (n < 0) {
          return;
        }
        left -= n;
      }
    } catch (IOException e) {
      LOG.debug("refused body: stopped discarding after {}", e.toString());
    }
  }
}
