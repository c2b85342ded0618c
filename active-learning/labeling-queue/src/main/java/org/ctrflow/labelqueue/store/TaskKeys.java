package org.ctrflow.labelqueue.store;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * Byte keys of the index column families. RocksDB compares keys as unsigned bytes, so every number
 * is big-endian and non-negative: byte order is numeric order.
 */
public final class TaskKeys {

  private TaskKeys() {}

  public static byte[] utf8(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  public static String string(byte[] b) {
    return new String(b, StandardCharsets.UTF_8);
  }

  /**
   * Pending-index key: fewer skips first, then higher uncertainty, then older, then sample id. A
   * skipped task goes behind every task skipped fewer times, so one hard task cannot block the
   * queue.
   */
  public static byte[] priority(int skips, double uncertainty, long createdAt, String sampleId) {
    byte[] id = utf8(sampleId);
    // For non-negative doubles the IEEE bits grow with the value; subtracting from MAX flips the
    // order so the most uncertain task sorts first.
    long inverted = Long.MAX_VALUE - Double.doubleToLongBits(uncertainty);
    return ByteBuffer.allocate(4 + 8 + 8 + id.length)
        .putInt(skips)
        .putLong(inverted)
        .putLong(createdAt)
        .put(id)
        .array();
  }

  /** Lease-index key: lease end, then sample id. */
  public static byte[] lease(long leaseUntil, String sampleId) {
    byte[] id = utf8(sampleId);
    return ByteBuffer.allocate(8 + id.length).putLong(leaseUntil).put(id).array();
  }

  /** The sample id at the end of a {@link #priority} key. */
  public static String sampleIdOfPriority(byte[] key) {
    return new String(key, 20, key.length - 20, StandardCharsets.UTF_8);
  }

  /** The lease end of a {@link #lease} key. */
  public static long leaseUntilOf(byte[] key) {
    return ByteBuffer.wrap(key, 0, 8).getLong();
  }

  public static String sampleIdOfLease(byte[] key) {
    return new String(key, 8, key.length - 8, StandardCharsets.UTF_8);
  }

  public static byte[] sequence(long seq) {
    return ByteBuffer.allocate(8).putLong(seq).array();
  }

  public static long sequenceOf(byte[] key) {
    return ByteBuffer.wrap(key).getLong();
  }

  /** The sequence a {@link #sequence} or {@link #delivery} key ends with. */
  public static long trailingSequence(byte[] key) {
    return ByteBuffer.wrap(key, key.length - 8, 8).getLong();
  }

  /**
   * Hook-outbox key: the subscriber's {@link #deliveryPrefix}, then the sequence. One subscriber's
   * deliveries are adjacent and in order, so each has a queue of its own.
   */
  public static byte[] delivery(String subscriberId, long seq) {
    byte[] prefix = deliveryPrefix(subscriberId);
    return ByteBuffer.allocate(prefix.length + 8).put(prefix).putLong(seq).array();
  }

  /** The key prefix of one subscriber's deliveries: its id and a 0 byte (ids hold none). */
  public static byte[] deliveryPrefix(String subscriberId) {
    byte[] id = utf8(subscriberId);
    return ByteBuffer.allocate(id.length + 1).put(id).put((byte) 0).array();
  }
}
