package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.ctrflow.connectors.events.LabelSource;
import org.ctrflow.connectors.events.LabeledExample;
import org.junit.jupiter.api.Test;

class FeatureEncoderTest {

  private final FeatureSchema schema = FeatureSchemaTest.mixed();
  private final FeatureEncoder encoder = schema.encoder();

  @Test
  void encodesEveryFieldIntoItsOwnRange() {
    int[] rows =
        encoder.encode(
            Map.of("site", "example.com", "user", "12", "os", "ios"),
            Map.of("count", 100.0, "price", 0.5, "age", 30.0));
    assertThat(rows[1]).isEqualTo(schema.offset(1) + 3);
    assertThat(rows[2]).isEqualTo(schema.offset(2) + 2);
    assertThat(rows[3]).isEqualTo(schema.offset(3) + 21 + 4);
    assertThat(rows[4]).isEqualTo(schema.offset(4) + 1);
    assertThat(rows[5]).isEqualTo(schema.offset(5) + 3);
    assertThat(rows[0]).isBetween(schema.offset(0) + 1, schema.offset(0) + 100);
  }

  @Test
  void mapsMissingAndOutOfVocabularyValuesToTheReservedRow() {
    int[] missing = encoder.encode(Map.of(), Map.of());
    for (int f = 0; f < schema.fieldCount(); f++) {
      assertThat(missing[f]).isEqualTo(schema.offset(f));
    }
    int[] oov =
        encoder.encode(Map.of("user", "20", "os", "windows", "count", "5"), Map.of("site", 1.0));
    assertThat(oov[1]).isEqualTo(schema.offset(1));
    assertThat(oov[2]).isEqualTo(schema.offset(2));
    // A field reads only its own map: a numeric field's name in the categorical map is missing.
    assertThat(oov[3]).isEqualTo(schema.offset(3));
    assertThat(oov[0]).isEqualTo(schema.offset(0));
  }

  @Test
  void idRangesRejectAnythingButDecimalIdsInRange() {
    CategoricalEncoding.IdRange range = new CategoricalEncoding.IdRange(-5, 5);
    for (String value :
        List.of("", "-", "6", "-6", "1.0", "+1", " 1", "a", "99999999999999999999")) {
      assertThat(range.index(value, 0)).as(value).isZero();
    }
    assertThat(range.index("-5", 0)).isEqualTo(1);
    assertThat(range.index("0", 0)).isEqualTo(6);
    assertThat(range.index("005", 0)).isEqualTo(11);
  }

  @Test
  void hashedBucketsAreRoughlyUniform() {
    int buckets = 64;
    int values = 64_000;
    CategoricalEncoding.Hashed hashed = new CategoricalEncoding.Hashed(buckets);
    int[] counts = new int[buckets + 1];
    for (int i = 0; i < values; i++) {
      counts[hashed.index("v" + i, schema.fieldSeed(0))]++;
    }
    assertThat(counts[0]).isZero();
    double expected = (double) values / buckets;
    double chiSquare = 0;
    for (int b = 1; b <= buckets; b++) {
      chiSquare += (counts[b] - expected) * (counts[b] - expected) / expected;
    }
    // 63 degrees of freedom: P(chi^2 > 110) < 1e-4 for a uniform hash, and the inputs are fixed.
    assertThat(chiSquare).isLessThan(110);
  }

  @Test
  void batchesEqualSingleEncodingsInRowMajorOrder() {
    List<LabeledExample> examples =
        List.of(
            example(Map.of("site", "a", "user", "11"), Map.of("age", 70.0)),
            example(Map.of("os", "android"), Map.of("count", 3.0, "price", 1e6)));
    int f = schema.fieldCount();
    long[] longs = new long[2 * f + 3];
    int[] ints = new int[2 * f];
    encoder.encodeBatch(examples, LabeledExample::features, LabeledExample::numericFeatures, longs);
    encoder.encodeBatch(examples, LabeledExample::features, LabeledExample::numericFeatures, ints);
    for (int i = 0; i < 2; i++) {
      int[] single = encoder.encode(examples.get(i).features(), examples.get(i).numericFeatures());
      for (int j = 0; j < f; j++) {
        assertThat(ints[i * f + j]).isEqualTo(single[j]);
        assertThat(longs[i * f + j]).isEqualTo(single[j]);
      }
    }
    assertThatThrownBy(
            () ->
                encoder.encodeBatch(
                    examples,
                    LabeledExample::features,
                    LabeledExample::numericFeatures,
                    new int[2 * f - 1]))
        .hasMessageContaining("needs at least " + 2 * f);
  }

  @Property(tries = 300)
  void everyRowLiesInItsFieldsRange(
      @ForAll Map<String, String> categorical, @ForAll Map<String, Double> numeric) {
    Map<String, String> c = new HashMap<>(categorical);
    Map<String, Double> n = new HashMap<>();
    numeric.forEach((k, v) -> n.put(k, Double.isFinite(v) ? v : 0.0));
    // Make the schema's own fields present too, with arbitrary values.
    String any = categorical.isEmpty() ? "" : categorical.values().iterator().next();
    List.of("site", "user", "os").forEach(name -> c.putIfAbsent(name, any));
    double number = n.isEmpty() ? 0 : n.values().iterator().next();
    List.of("count", "price", "age").forEach(name -> n.putIfAbsent(name, number));
    int[] rows = encoder.encode(c, n);
    for (int f = 0; f < schema.fieldCount(); f++) {
      assertThat(rows[f]).isBetween(schema.offset(f), schema.offset(f) + schema.rows(f) - 1);
    }
  }

  private static LabeledExample example(Map<String, String> c, Map<String, Double> n) {
    Map<String, String> features = new HashMap<>(c);
    features.putIfAbsent("any", "x");
    return new LabeledExample("id", 1L, features, n, 1, 1.0, LabelSource.CLICK_JOIN);
  }
}
