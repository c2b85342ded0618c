package org.ctrflow.models.features;

/**
 * MurmurHash3 x64_128 (Austin Appleby's public-domain reference), first 64 bits, over the UTF-8
 * bytes of a character sequence. The bytes are produced on the fly, so hashing allocates nothing.
 *
 * <p>The result is part of every model's embedding layout, so it must never change: it equals the
 * reference C implementation (and Guava's {@code murmur3_128(seed).hashString(s, UTF_8).asLong()}
 * for non-negative seeds; the reference zero-extends the 32-bit seed, Guava sign-extends it).
 * Unpaired surrogates encode as {@code '?'}, as {@link String#getBytes} does.
 */
public final class MurmurHash3 {

  private static final long C1 = 0x87c37b91114253d5L;
  private static final long C2 = 0x4cf5ad432745937fL;

  private MurmurHash3() {}

  /** The low 64 bits of MurmurHash3 x64_128 of {@code text}'s UTF-8 bytes. */
  public static long hash64(CharSequence text, int seed) {
    long h1 = seed & 0xFFFFFFFFL;
    long h2 = h1;
    long k1 = 0;
    long k2 = 0;
    int inBlock = 0;
    long length = 0;
    int n = text.length();
    for (int i = 0; i < n; i++) {
      char c = text.charAt(i);
      int packed;
      int bytes;
      if (c < 0x80) {
        packed = c;
        bytes = 1;
      } else if (c < 0x800) {
        packed = (0xC0 | c >>> 6) | (0x80 | c & 0x3F) << 8;
        bytes = 2;
      } else if (!Character.isSurrogate(c)) {
        packed = (0xE0 | c >>> 12) | (0x80 | c >>> 6 & 0x3F) << 8 | (0x80 | c & 0x3F) << 16;
        bytes = 3;
      } else if (Character.isHighSurrogate(c)
          && i + 1 < n
          && Character.isLowSurrogate(text.charAt(i + 1))) {
        int cp = Character.toCodePoint(c, text.charAt(++i));
        packed =
            (0xF0 | cp >>> 18)
                | (0x80 | cp >>> 12 & 0x3F) << 8
                | (0x80 | cp >>> 6 & 0x3F) << 16
                | (0x80 | cp & 0x3F) << 24;
        bytes = 4;
      } else {
        packed = '?';
        bytes = 1;
      }
      for (int b = 0; b < bytes; b++, packed >>>= 8) {
        long v = packed & 0xFFL;
        if (inBlock < 8) {
          k1 |= v << (inBlock << 3);
        } else {
          k2 |= v << ((inBlock - 8) << 3);
        }
        if (++inBlock == 16) {
          h1 ^= mixK1(k1);
          h1 = Long.rotateLeft(h1, 27) + h2;
          h1 = h1 * 5 + 0x52dce729;
          h2 ^= mixK2(k2);
          h2 = Long.rotateLeft(h2, 31) + h1;
          h2 = h2 * 5 + 0x38495ab5;
          k1 = 0;
          k2 = 0;
          inBlock = 0;
        }
      }
      length += bytes;
    }
    // Tail: mixing a zero word is a no-op, so both words can be mixed unconditionally.
    h2 ^= mixK2(k2);
    h1 ^= mixK1(k1);
    h1 ^= length;
    h2 ^= length;
    h1 += h2;
    h2 += h1;
    h1 = fmix64(h1);
    h2 = fmix64(h2);
    return h1 + h2;
  }

  private static long mixK1(long k1) {
    return Long.rotateLeft(k1 * C1, 31) * C2;
  }

  private static long mixK2(long k2) {
    return Long.rotateLeft(k2 * C2, 33) * C1;
  }

  /** MurmurHash3's 64-bit finalizer: a bijective bit mixer, also usable on its own. */
  public static long fmix64(long k) {
    k ^= k >>> 33;
    k *= 0xff51afd7ed558ccdL;
    k ^= k >>> 33;
    k *= 0xc4ceb9fe1a85ec53L;
    k ^= k >>> 33;
    return k;
  }
}
