package org.ctrflow.models.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ctrflow.connectors.replay.TimeFormat;

/**
 * What a sample says about one column: how often it is present, its distinct values (exact up to
 * {@link #EXACT_LIMIT}, then a HyperLogLog estimate), how many were seen once, and whether its
 * values are numbers, integers or times. Memory is bounded: at most {@link #EXACT_LIMIT} counted
 * values and {@link #RESERVOIR} numbers per column.
 */
final class ColumnProfile {

  /** Distinct values counted exactly; beyond, only the sketch grows. */
  static final int EXACT_LIMIT = 1 << 16;

  /** Numbers kept (uniform reservoir sample) for quantiles. */
  static final int RESERVOIR = 10_000;

  private static final int HLL_BITS = 12;

  final String name;
  private final boolean timeLike;
  private final Map<String, Integer> counts = new HashMap<>();
  private final byte[] registers = new byte[1 << HLL_BITS];
  private final double[] reservoir = new double[RESERVOIR];
  private final Random random = new Random(1);
  private boolean overflow;
  long present;
  long numbers;
  long wholeNumbers;
  long writtenWithFraction;
  long integers;
  long epochTimes;
  long datetimes;
  double min = Double.POSITIVE_INFINITY;
  double max = Double.NEGATIVE_INFINITY;
  private int kept;

  ColumnProfile(String name) {
    this.name = name;
    String lower = name.toLowerCase(java.util.Locale.ROOT);
    this.timeLike =
        lower.contains("time")
            || lower.contains("date")
            || lower.equals("ts")
            || lower.equals("hour");
  }

  /** Adds one present value as written. */
  void add(String value) {
    present++;
    count(value);
    double number = parse(value);
    if (!Double.isNaN(number)) {
      number(number);
      if (value.indexOf('.') >= 0 || value.indexOf('e') >= 0 || value.indexOf('E') >= 0) {
        writtenWithFraction++;
      } else {
        integers++;
      }
    }
    if (timeLike) {
      if (!Double.isNaN(number) && number >= 1e8 && TimeFormat.EPOCH.accepts(value)) {
        epochTimes++;
      } else if (value.length() >= 10 && TimeFormat.DATETIME.accepts(value)) {
        datetimes++;
      }
    }
  }

  /** Adds one present value that the reader already read as a number. */
  void add(double value) {
    present++;
    count(Double.toString(value));
    number(value);
    // Read as a number by the format: numeric whatever its digits look like.
    writtenWithFraction++;
  }

  private void count(String value) {
    long hash = MurmurHash3.hash64(value, 0);
    int register = (int) (hash >>> (64 - HLL_BITS));
    byte rank = (byte) (Long.numberOfLeadingZeros((hash << HLL_BITS) | (1L << (HLL_BITS - 1))) + 1);
    if (rank > registers[register]) {
      registers[register] = rank;
    }
    Integer seen = counts.get(value);
    if (seen != null) {
      counts.put(value, seen + 1);
    } else if (counts.size() < EXACT_LIMIT) {
      counts.put(value, 1);
    } else {
      overflow = true;
    }
  }

  private void number(double value) {
    numbers++;
    if (value == Math.rint(value)) {
      wholeNumbers++;
    }
    min = Math.min(min, value);
    max = Math.max(max, value);
    if (kept < RESERVOIR) {
      reservoir[kept++] = value;
    } else {
      long slot = (long) (random.nextDouble() * numbers);
      if (slot < RESERVOIR) {
        reservoir[(int) slot] = value;
      }
    }
  }

  private static double parse(String value) {
    char c = value.isEmpty() ? ' ' : value.charAt(0);
    if (!(c == '-' || c == '+' || c == '.' || (c >= '0' && c <= '9'))) {
      return Double.NaN;
    }
    try {
      double d = Double.parseDouble(value);
      return Double.isFinite(d) ? d : Double.NaN;
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }

  /** Whether every distinct value was counted (the sketch was not needed). */
  boolean exact() {
    return !overflow;
  }

  /** Distinct values: exact, or the HyperLogLog estimate (about 1.6 % error). */
  long distinct() {
    if (!overflow) {
      return counts.size();
    }
    double sum = 0;
    int zeros = 0;
    for (byte r : registers) {
      sum += Math.pow(2, -r);
      zeros += r == 0 ? 1 : 0;
    }
    int m = registers.length;
    double estimate = 0.7213 / (1 + 1.079 / m) * m * m / sum;
    if (estimate < 2.5 * m && zeros > 0) {
      estimate = m * Math.log((double) m / zeros);
    }
    return Math.max(counts.size(), Math.round(estimate));
  }

  /** Values seen exactly once (meaningful when {@link #exact()}). */
  long singletons() {
    return counts.values().stream().filter(c -> c == 1).count();
  }

  /**
   * The Good-Turing estimate of the chance that the next value is one not seen yet: values seen
   * once over values seen; 1 when the exact count overflowed.
   */
  double newValueRate() {
    return overflow || present == 0 ? 1.0 : (double) singletons() / present;
  }

  /** Every present value was a number. */
  boolean allNumbers() {
    return present > 0 && numbers == present;
  }

  /** Every present value was an integer written without fraction or exponent. */
  boolean allIntegers() {
    return present > 0 && integers == present && writtenWithFraction == 0;
  }

  /** The values, most frequent first (ties by value), when counted exactly. */
  List<String> valuesByFrequency() {
    List<Map.Entry<String, Integer>> entries = new ArrayList<>(counts.entrySet());
    entries.sort(
        Comparator.<Map.Entry<String, Integer>>comparingInt(Map.Entry::getValue)
            .reversed()
            .thenComparing(Map.Entry::getKey));
    return entries.stream().map(Map.Entry::getKey).toList();
  }

  /** Up to {@code count - 1} distinct cut points at the sample's quantiles {@code i / count}. */
  List<Double> quantiles(int count) {
    double[] sorted = Arrays.copyOf(reservoir, kept);
    Arrays.sort(sorted);
    List<Double> cuts = new ArrayList<>();
    for (int i = 1; i < count; i++) {
      double q = sorted[Math.min(sorted.length - 1, (int) ((long) i * sorted.length / count))];
      if (cuts.isEmpty() || q > cuts.get(cuts.size() - 1)) {
        cuts.add(q);
      }
    }
    return cuts;
  }
}
