package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class MurmurHash3Test {

  // Expected values from Guava 33.4.8's Hashing.murmur3_128(seed).hashString(text, UTF_8).asLong(),
  // which follows the reference implementation for non-negative seeds. They pin the embedding
  // layout of every saved model: never update them to make a change pass.
  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        "0|''|0",
        "0|a|-8839064797231613815",
        "0|hello|-3758069500696749310",
        "0|The quick brown fox jumps over the lazy dog|-2068352364225029268",
        "0|0123456789abcdef|5467490433528156583",
        "0|0123456789abcdef0|-1502884478548852619",
        "0|é日本語😀|-2227021932436239071",
        "0|user|-6737086783500802400",
        "42|''|-1140915396076141277",
        "42|a|2892890568104748720",
        "42|hello|-4271466569069007096",
        "42|The quick brown fox jumps over the lazy dog|8362568317626209751",
        "42|0123456789abcdef|-9111166411698556252",
        "42|0123456789abcdef0|7420562692485506019",
        "42|é日本語😀|-3986861091803377792",
        "42|user|4969864943915850693"
      })
  void matchesReferenceVectors(int seed, String text, long expected) {
    assertThat(MurmurHash3.hash64(text, seed)).isEqualTo(expected);
  }

  @ParameterizedTest
  @CsvSource({"0", "42", "-1"})
  void hashesCharSequencesLikeTheirStrings(int seed) {
    StringBuilder text = new StringBuilder("0123456789abcdef0123456789abcdef0");
    assertThat(MurmurHash3.hash64(text, seed)).isEqualTo(MurmurHash3.hash64(text.toString(), seed));
  }

  @ParameterizedTest
  @CsvSource({"0", "7"})
  void encodesUnpairedSurrogatesAsQuestionMarksLikeStringGetBytes(int seed) {
    assertThat(MurmurHash3.hash64("a\uD800b", seed)).isEqualTo(MurmurHash3.hash64("a?b", seed));
    assertThat(MurmurHash3.hash64("\uDC00", seed)).isEqualTo(MurmurHash3.hash64("?", seed));
  }
}
