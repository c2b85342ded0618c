package org.ctrflow.labelqueue.store;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import java.io.IOException;
import java.io.UncheckedIOException;

/** The queue's JSON mapper (stored records and the HTTP API) and its versioned record reads. */
public final class QueueJson {

  /**
   * Lenient on unknown fields (clients and stored records may carry more), strict on the rest: a
   * repeated key or anything after the JSON value is an error, not a value picked silently.
   */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private QueueJson() {}

  public static byte[] write(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot serialize " + value.getClass().getSimpleName(), e);
    }
  }

  public static <T> T read(byte[] json, Class<T> type) {
    try {
      return MAPPER.readValue(json, type);
    } catch (IOException e) {
      throw new StoreException("corrupt " + type.getSimpleName() + " record: " + e.getMessage(), e);
    }
  }

  /** A stored task; fails loudly on a format version this build does not know. */
  public static TaskRecord readTask(byte[] json) {
    TaskRecord task = read(json, TaskRecord.class);
    if (task.v() != TaskRecord.FORMAT_VERSION) {
      throw new StoreException(
          "task "
              + task.sampleId()
              + " is stored in format version "
              + task.v()
              + "; this build reads version "
              + TaskRecord.FORMAT_VERSION
              + " only (was the database written by a newer ctrflow?)");
    }
    return task;
  }
}
