package org.ctrflow.activelearning.strategies;

import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Map;
import org.ctrflow.models.features.MurmurHash3;

/**
 * Keeps near-duplicate feature sets from being queued twice within a window of event time, in
 * bounded memory.
 *
 * <p>A sample's feature set is its tokens {@code name=value}, numeric values rounded to about 1%
 * (sign, exponent and 7 mantissa bits of the float), so 3.001 and 3.002 are the same token. Its
 * MinHash signature of k 32-bit values estimates the Jaccard similarity of two sets as the share of
 * equal positions (standard error about sqrt(J(1-J)/k)). A sample is a near duplicate when its
 * estimated similarity to a sample admitted within the window reaches the threshold; identical sets
 * always match.
 *
 * <p>Memory: a ring of {@code capacity} signatures and their event times, k·4 + 8 bytes each; when
 * full, the oldest admitted sample is forgotten even if still inside the window. A check compares
 * against every live entry (capacity·k int comparisons), which is cheap because only samples the
 * budget already selected reach the guard. Not thread-safe; one per operator instance.
 */
public final class DiversityGuard {

  private static final int FORMAT_VERSION = 1;
  private static final int MAGIC = 0x44495647; // "DIVG"
  private static final long[] SEEDS = seeds(256);

  private final long windowMillis;
  private final int capacity;
  private final int hashes;
  private final double threshold;
  private final int[] signatures;
  private final long[] times;
  private int size;
  private int next;

  /**
   * @param windowMillis how long, in event time, an admitted sample blocks its near duplicates
   * @param capacity the most samples remembered, &gt;= 1
   * @param hashes k, MinHash values per signature, in [1, 256]; 64 gives a standard error of 0.04
   *     at J = 0.9
   * @param threshold estimated Jaccard similarity in (0, 1] at which a sample is a duplicate; 1
   *     blocks only identical sets
   */
  public DiversityGuard(long windowMillis, int capacity, int hashes, double threshold) {
    if (windowMillis <= 0) {
      throw new IllegalArgumentException(
          "windowMillis: must be > 0, such as 600000 (10 minutes), was " + windowMillis);
    }
    if (capacity < 1) {
      throw new IllegalArgumentException("capacity: must be >= 1, such as 4096, was " + capacity);
    }
    if (hashes < 1 || hashes > SEEDS.length) {
      throw new IllegalArgumentException(
          "hashes: must be in [1, " + SEEDS.length + "], such as 64, was " + hashes);
    }
    if (!(threshold > 0 && threshold <= 1)) {
      throw new IllegalArgumentException(
          "threshold: must be a Jaccard similarity in (0, 1], such as 0.8, was " + threshold);
    }
    this.windowMillis = windowMillis;
    this.capacity = capacity;
    this.hashes = hashes;
    this.threshold = threshold;
    this.signatures = new int[capacity * hashes];
    this.times = new long[capacity];
  }

  /**
   * Admits the sample and returns true, unless a near duplicate was admitted within the window
   * before {@code eventTime} (then it returns false and remembers nothing).
   */
  public boolean tryAdmit(
      Map<String, String> categorical, Map<String, Double> numeric, long eventTime) {
    int[] signature = signature(categorical, numeric);
    int needed = (int) Math.ceil(threshold * hashes - 1e-9);
    for (int e = 0; e < size; e++) {
      int slot = Math.floorMod(next - 1 - e, capacity);
      if (eventTime - times[slot] >= windowMillis || times[slot] > eventTime + windowMillis) {
        continue;
      }
      if (matches(signature, slot * hashes, needed)) {
        return false;
      }
    }
    System.arraycopy(signature, 0, signatures, next * hashes, hashes);
    times[next] = eventTime;
    next = (next + 1) % capacity;
    size = Math.min(size + 1, capacity);
    return true;
  }

  private boolean matches(int[] signature, int offset, int needed) {
    int mismatchesLeft = hashes - needed; // stop as soon as the threshold is out of reach
    for (int h = 0; h < hashes; h++) {
      if (signatures[offset + h] != signature[h] && --mismatchesLeft < 0) {
        return false;
      }
    }
    return true;
  }

  /** The MinHash signature of a feature set. */
  int[] signature(Map<String, String> categorical, Map<String, Double> numeric) {
    int[] signature = new int[hashes];
    Arrays.fill(signature, Integer.MAX_VALUE);
    categorical.forEach((name, value) -> mix(signature, name + '=' + value));
    numeric.forEach(
        (name, value) ->
            mix(signature, name + "#" + (Float.floatToIntBits(value.floatValue()) >>> 16)));
    return signature;
  }

  private void mix(int[] signature, String token) {
    long base = MurmurHash3.hash64(token, 0x5eed);
    for (int h = 0; h < hashes; h++) {
      int value = (int) (MurmurHash3.fmix64(base ^ SEEDS[h]) >>> 33);
      if (value < signature[h]) {
        signature[h] = value;
      }
    }
  }

  /** Remembered samples (at most capacity; some may be outside the window already). */
  public int size() {
    return size;
  }

  /** The remembered samples as versioned bytes, for operator state. */
  public byte[] toBytes() {
    ByteBuffer out = ByteBuffer.allocate(20 + size * (8 + 4 * hashes));
    out.putInt(MAGIC).putInt(FORMAT_VERSION).putInt(hashes).putInt(size).putInt(0);
    for (int e = size - 1; e >= 0; e--) { // oldest first
      int slot = Math.floorMod(next - 1 - e, capacity);
      out.putLong(times[slot]);
      for (int h = 0; h < hashes; h++) {
        out.putInt(signatures[slot * hashes + h]);
      }
    }
    return out.array();
  }

  /**
   * Restores samples written by {@link #toBytes} into this (empty) guard; with a smaller capacity
   * only the newest are kept.
   *
   * @throws IllegalArgumentException for bytes of another format, version or hash count
   */
  public void restore(byte[] bytes) {
    ByteBuffer in = ByteBuffer.wrap(bytes);
    if (bytes.length < 20 || in.getInt() != MAGIC) {
      throw new IllegalArgumentException("diversity guard state: not a DiversityGuard state");
    }
    int version = in.getInt();
    if (version != FORMAT_VERSION) {
      throw new IllegalArgumentException(
          "diversity guard state: unknown format version " + version + ", expected 1");
    }
    int storedHashes = in.getInt();
    if (storedHashes != hashes) {
      throw new IllegalArgumentException(
          "diversity guard state: has " + storedHashes + " hashes, this guard uses " + hashes);
    }
    int count = in.getInt();
    in.getInt();
    if (count < 0 || in.remaining() != (long) count * (8 + 4 * hashes)) {
      throw new IllegalArgumentException(
          "diversity guard state: truncated, " + count + " entries announced");
    }
    size = 0;
    next = 0;
    for (int e = 0; e < count; e++) {
      times[next] = in.getLong();
      for (int h = 0; h < hashes; h++) {
        signatures[next * hashes + h] = in.getInt();
      }
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    }
  }

  private static long[] seeds(int n) {
    long[] seeds = new long[n];
    long x = 0x9E3779B97F4A7C15L;
    for (int i = 0; i < n; i++) {
      x += 0x9E3779B97F4A7C15L;
      seeds[i] = MurmurHash3.fmix64(x);
    }
    return seeds;
  }
}
