package org.ctrflow.models.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class NumericEncodingTest {

  private final NumericEncoding.LogSquared criteo = new NumericEncoding.LogSquared(-3, 400);

  /** Transformed value t maps to index t - lowest + 1 = t + 4. */
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "1, 1",
    "1.9, 1",
    "2, 2",
    "2.5, 0", // ln(2.5)^2 = 0.84: the original transform's dip below e
    "3, 1", // ln(3)^2 = 1.21
    "100, 21", // ln(100)^2 = 21.2
    "17668, 95", // ln(17668)^2 = 95.3, a Criteo I5 value
    "-1, -1",
    "-2.7, -2", // truncation towards zero, like Python's int()
    "-3, -3",
    "-1000, -3", // clamped to lowest
    "1e300, 400", // clamped to highest
    "1.7976931348623157e308, 400"
  })
  void logSquaredFollowsTheCriteoTransform(double x, int transformed) {
    assertThat(criteo.index(x)).isEqualTo(transformed + 4);
  }

  @ParameterizedTest
  @CsvSource({"-5, 1", "0, 1", "1.7, 1", "1.72, 2", "1e9, 21", "1e300, 24"})
  void log1pBucketsByNaturalLogAndClampsAtTheEnds(double x, int index) {
    assertThat(new NumericEncoding.Log1p(24).index(x)).isEqualTo(index);
  }

  @ParameterizedTest
  @CsvSource({"-1e300, 1", "-0.1, 1", "0, 2", "9.99, 2", "10, 3", "100, 4", "1e300, 4"})
  void boundariesAreLowerInclusive(double x, int index) {
    NumericEncoding.Boundaries b = new NumericEncoding.Boundaries(List.of(0.0, 10.0, 100.0));
    assertThat(b.cardinality()).isEqualTo(4);
    assertThat(b.index(x)).isEqualTo(index);
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {"1.0,1.0", "2.0,1.0", "NaN"})
  void boundariesMustAscendStrictlyAndBeFinite(String list) {
    List<Double> bounds = java.util.Arrays.stream(list.split(",")).map(Double::valueOf).toList();
    assertThatThrownBy(() -> new NumericEncoding.Boundaries(bounds))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("strictly ascending, e.g. [0.0, 10.0, 100.0]");
  }

  @ParameterizedTest
  @CsvSource({"5, 4", "0, -1"})
  void logSquaredNeedsHighestAtLeastLowest(int lowest, int highest) {
    assertThatThrownBy(() -> new NumericEncoding.LogSquared(lowest, highest))
        .hasMessageContaining("must be at least " + lowest);
  }
}
