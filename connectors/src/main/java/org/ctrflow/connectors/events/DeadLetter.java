package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requirePresent;
import static org.ctrflow.connectors.events.EventRules.requireText;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Objects;

/**
 * Input that could not be processed, with the reason. Topic {@code dead-letter}. Nothing is dropped
 * silently: the original bytes are kept verbatim so the record can be fixed and replayed.
 *
 * @param original the record's value bytes as received (base64 in JSON)
 * @param topic topic the record was read from
 * @param partition its partition, or -1 when it did not come from Kafka
 * @param offset its offset, or -1 when it did not come from Kafka
 * @param errorClass class of the error that rejected it
 * @param errorMessage the error's message, naming the offending field where there is one
 * @param timestamp when it was rejected, epoch milliseconds
 */
public record DeadLetter(
    byte[] original,
    String topic,
    int partition,
    long offset,
    String errorClass,
    String errorMessage,
    long timestamp)
    implements Event {

  /**
   * Most original bytes an envelope keeps: the largest record the other topics accept. Larger
   * originals are cut, and the error message says so.
   */
  public static final int MAX_ORIGINAL_BYTES =
      org.ctrflow.connectors.topics.Topic.MAX_MESSAGE_BYTES;

  public DeadLetter {
    original = requirePresent("original", original).clone();
    requireText("topic", topic);
    if (partition < -1) {
      throw new InvalidEventException("partition", "must be >= -1, was " + partition);
    }
    if (offset < -1) {
      throw new InvalidEventException("offset", "must be >= -1, was " + offset);
    }
    requireText("errorClass", errorClass);
    requirePresent("errorMessage", errorMessage);
    requireEventTime("timestamp", timestamp);
  }

  /**
   * The envelope for a record rejected by {@code error}; an original over {@link
   * #MAX_ORIGINAL_BYTES} is cut to that size and the message says so.
   */
  public static DeadLetter of(
      byte[] original, String topic, int partition, long offset, Throwable error, long now) {
    byte[] kept = original == null ? new byte[0] : original;
    String message = error.getMessage() == null ? error.toString() : error.getMessage();
    if (kept.length > MAX_ORIGINAL_BYTES) {
      message += " [original cut to " + MAX_ORIGINAL_BYTES + " of " + kept.length + " bytes]";
      kept = Arrays.copyOf(kept, MAX_ORIGINAL_BYTES);
    }
    return new DeadLetter(kept, topic, partition, offset, error.getClass().getName(), message, now);
  }

  @Override
  public byte[] original() {
    return original.clone();
  }

  @Override
  public String key() {
    return topic + "/" + partition + "/" + offset;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof DeadLetter d
        && Arrays.equals(original, d.original)
        && topic.equals(d.topic)
        && partition == d.partition
        && offset == d.offset
        && errorClass.equals(d.errorClass)
        && errorMessage.equals(d.errorMessage)
        && timestamp == d.timestamp;
  }

  @Override
  public int hashCode() {
    return Objects.hash(topic, partition, offset, errorClass, timestamp) * 31
        + Arrays.hashCode(original);
  }

  @Override
  public String toString() {
    String preview = new String(original, 0, Math.min(original.length, 80), StandardCharsets.UTF_8);
    return "DeadLetter[%s/%d@%d %s: %s | %s]"
        .formatted(topic, partition, offset, errorClass, errorMessage, preview);
  }
}
