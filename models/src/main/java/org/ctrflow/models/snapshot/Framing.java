package org.ctrflow.models.snapshot;

import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.BAD_MAGIC;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.CHECKSUM_MISMATCH;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.TRUNCATED;
import static org.ctrflow.models.snapshot.SnapshotFormatException.Reason.UNKNOWN_VERSION;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * The frame shared by snapshots and deltas, all little-endian:
 *
 * <pre>
 *   offset 0        int32   magic ("CTRS" snapshot, "CTRD" delta)
 *   offset 4        int32   format version
 *   offset 8        int64   total length N in bytes, this header and the digest included
 *   offset 16       ...     body
 *   offset N - 32   32 B    SHA-256 of bytes [0, N - 32)
 * </pre>
 *
 * The length comes before the digest check so that a cut-off file is reported as truncated rather
 * than as a checksum mismatch; the digest covers the header too, so a flipped version or length
 * cannot pass. Strings are an int32 byte count then UTF-8.
 */
final class Framing {

  static final int HEADER_BYTES = 16;
  static final int DIGEST_BYTES = 32;

  private Framing() {}

  /** Hex SHA-256 of {@code bytes}, as {@code ModelUpdate.sha256} carries it. */
  static String sha256Hex(byte[] bytes) {
    return HexFormat.of().formatHex(sha256(bytes, bytes.length));
  }

  private static byte[] sha256(byte[] bytes, int length) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      digest.update(bytes, 0, length);
      return digest.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every Java platform has SHA-256", e);
    }
  }

  /**
   * Checks magic, version, length and digest, in that order.
   *
   * @param kind "snapshot" or "delta", for messages
   * @return the body: a little-endian buffer from offset 16 up to the digest
   */
  static ByteBuffer open(byte[] bytes, int magic, int version, String kind)
      throws SnapshotFormatException {
    return open(bytes, magic, version, version, kind);
  }

  /**
   * {@link #open(byte[], int, int, String)} for a reader of format versions {@code oldest} to
   * {@code newest}; {@link #version} then tells which one the bytes are.
   */
  static ByteBuffer open(byte[] bytes, int magic, int oldest, int newest, String kind)
      throws SnapshotFormatException {
    if (bytes.length < HEADER_BYTES + DIGEST_BYTES) {
      throw new SnapshotFormatException(
          TRUNCATED,
          "truncated model "
              + kind
              + ": "
              + bytes.length
              + " bytes, less than the "
              + (HEADER_BYTES + DIGEST_BYTES)
              + " of header and checksum");
    }
    ByteBuffer in = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    int foundMagic = in.getInt(0);
    if (foundMagic != magic) {
      throw new SnapshotFormatException(
          BAD_MAGIC,
          String.format(
              "not a ctrflow model %s: magic 0x%08X, expected 0x%08X", kind, foundMagic, magic));
    }
    int foundVersion = in.getInt(4);
    if (foundVersion < oldest || foundVersion > newest) {
      throw new SnapshotFormatException(
          UNKNOWN_VERSION,
          "unknown model "
              + kind
              + " format version "
              + foundVersion
              + "; this build reads version "
              + (oldest == newest ? Integer.toString(newest) : oldest + " to " + newest));
    }
    long length = in.getLong(8);
    if (length != bytes.length) {
      throw new SnapshotFormatException(
          TRUNCATED,
          "truncated model " + kind + ": header says " + length + " bytes, found " + bytes.length);
    }
    int end = bytes.length - DIGEST_BYTES;
    byte[] expected = Arrays.copyOfRange(bytes, end, bytes.length);
    if (!MessageDigest.isEqual(expected, sha256(bytes, end))) {
      throw new SnapshotFormatException(
          CHECKSUM_MISMATCH,
          "checksum mismatch in model "
              + kind
              + ": SHA-256 of the content is "
              + HexFormat.of().formatHex(sha256(bytes, end))
              + ", recorded "
              + HexFormat.of().formatHex(expected));
    }
    return in.position(HEADER_BYTES).limit(end).slice().order(ByteOrder.LITTLE_ENDIAN);
  }

  /** The format version of bytes that {@link #open} accepted. */
  static int version(byte[] bytes) {
    return ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(4);
  }

  /** Reads a string written by {@link Writer#putString}. */
  static String getString(ByteBuffer in, String what) throws SnapshotFormatException {
    int length = getInt(in, what + " length");
    byte[] utf8 = new byte[need(in, length, 1, what)];
    in.get(utf8);
    return new String(utf8, StandardCharsets.UTF_8);
  }

  static int getInt(ByteBuffer in, String what) throws SnapshotFormatException {
    need(in, 1, Integer.BYTES, what);
    return in.getInt();
  }

  static long getLong(ByteBuffer in, String what) throws SnapshotFormatException {
    need(in, 1, Long.BYTES, what);
    return in.getLong();
  }

  /**
   * Checks that {@code count} items of {@code itemBytes} remain; a file with a valid digest can
   * still announce more than it holds if a writer was buggy.
   *
   * @return {@code count}
   */
  static int need(ByteBuffer in, long count, int itemBytes, String what)
      throws SnapshotFormatException {
    if (count < 0 || count * itemBytes > in.remaining()) {
      throw new SnapshotFormatException(
          TRUNCATED,
          "truncated "
              + what
              + ": needs "
              + count
              + " x "
              + itemBytes
              + " bytes, "
              + in.remaining()
              + " left");
    }
    return (int) count;
  }

  /** Builds a framed file in memory; {@link #seal} fills in the length and appends the digest. */
  static final class Writer {

    private ByteBuffer buffer;

    /**
     * @param sizeHint expected body size (e.g. the weights' bytes), so large tables are not copied
     *     on every growth step
     */
    Writer(int magic, int version, long sizeHint) {
      buffer =
          ByteBuffer.allocate(Math.toIntExact(HEADER_BYTES + DIGEST_BYTES + sizeHint + 4096))
              .order(ByteOrder.LITTLE_ENDIAN);
      buffer.putInt(magic).putInt(version).putLong(0L);
    }

    Writer putInt(int value) {
      ensure(Integer.BYTES).putInt(value);
      return this;
    }

    Writer putLong(long value) {
      ensure(Long.BYTES).putLong(value);
      return this;
    }

    Writer putString(String value) {
      byte[] utf8 = value.getBytes(StandardCharsets.UTF_8);
      putInt(utf8.length);
      ensure(utf8.length).put(utf8);
      return this;
    }

    Writer putInts(int[] values) {
      ensure((long) values.length * Integer.BYTES).asIntBuffer().put(values);
      buffer.position(buffer.position() + values.length * Integer.BYTES);
      return this;
    }

    Writer putFloats(float[] values) {
      ensure((long) values.length * Float.BYTES).asFloatBuffer().put(values);
      buffer.position(buffer.position() + values.length * Float.BYTES);
      return this;
    }

    byte[] seal() {
      int end = buffer.position();
      buffer.putLong(8, end + DIGEST_BYTES);
      byte[] bytes = Arrays.copyOf(buffer.array(), end + DIGEST_BYTES);
      System.arraycopy(sha256(bytes, end), 0, bytes, end, DIGEST_BYTES);
      return bytes;
    }

    private ByteBuffer ensure(long bytes) {
      // Keep room for the digest so seal() never grows the buffer.
      long needed = buffer.position() + bytes + DIGEST_BYTES;
      if (needed > buffer.capacity()) {
        long grown = Math.max(needed, 2L * buffer.capacity());
        ByteBuffer larger =
            ByteBuffer.allocate(Math.toIntExact(Math.min(grown, Integer.MAX_VALUE - 8)))
                .order(ByteOrder.LITTLE_ENDIAN);
        buffer = larger.put(buffer.flip());
      }
      return buffer;
    }
  }
}
