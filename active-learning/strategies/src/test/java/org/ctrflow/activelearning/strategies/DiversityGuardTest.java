package org.ctrflow.activelearning.strategies;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DiversityGuardTest {

  private static final Map<String, Double> NONE = Map.of();

  @Test
  void blocksTheSameFeatureSetWithinTheWindowOnly() {
    DiversityGuard guard = new DiversityGuard(60_000, 100, 64, 0.9);
    Map<String, String> a = Map.of("user", "1", "item", "7");

    assertThat(guard.tryAdmit(a, NONE, 1_000)).isTrue();
    assertThat(guard.tryAdmit(a, NONE, 30_000)).isFalse();
    assertThat(guard.tryAdmit(Map.of("user", "2", "item", "7"), NONE, 30_000)).isTrue();
    // 60 s after the first admission it no longer blocks
    assertThat(guard.tryAdmit(a, NONE, 61_000)).isTrue();
  }

  @Test
  void nearDuplicatesDependOnTheThreshold() {
    Map<String, String> a = fields(10, "x");
    Map<String, String> b = new HashMap<>(a);
    b.put("f9", "other"); // 9 shared tokens of 11: Jaccard 0.82

    DiversityGuard loose = new DiversityGuard(60_000, 100, 128, 0.6);
    assertThat(loose.tryAdmit(a, NONE, 0)).isTrue();
    assertThat(loose.tryAdmit(b, NONE, 1)).isFalse();
    assertThat(loose.tryAdmit(fields(10, "y"), NONE, 2)).isTrue();

    DiversityGuard strict = new DiversityGuard(60_000, 100, 128, 1.0);
    assertThat(strict.tryAdmit(a, NONE, 0)).isTrue();
    assertThat(strict.tryAdmit(b, NONE, 1)).isTrue();
  }

  @Test
  void numericValuesWithinAboutOnePercentAreOneToken() {
    DiversityGuard guard = new DiversityGuard(60_000, 100, 64, 1.0);
    Map<String, String> a = Map.of("user", "1");
    assertThat(guard.tryAdmit(a, Map.of("price", 3.001), 0)).isTrue();
    assertThat(guard.tryAdmit(a, Map.of("price", 3.002), 1)).isFalse();
    assertThat(guard.tryAdmit(a, Map.of("price", 3.5), 2)).isTrue();
  }

  @Test
  void memoryIsBoundedByCapacityForgettingTheOldest() {
    DiversityGuard guard = new DiversityGuard(60_000, 2, 16, 1.0);
    Map<String, String> a = Map.of("k", "a");
    guard.tryAdmit(a, NONE, 0);
    guard.tryAdmit(Map.of("k", "b"), NONE, 1);
    guard.tryAdmit(Map.of("k", "c"), NONE, 2);

    assertThat(guard.size()).isEqualTo(2);
    assertThat(guard.tryAdmit(a, NONE, 3)).isTrue();
    assertThat(guard.tryAdmit(Map.of("k", "c"), NONE, 4)).isFalse();
  }

  @Test
  void stateRoundTripsAndUnknownVersionsFailLoudly() {
    DiversityGuard guard = new DiversityGuard(60_000, 8, 32, 0.9);
    for (int i = 0; i < 10; i++) {
      guard.tryAdmit(Map.of("k", "v" + i), NONE, i);
    }
    DiversityGuard restored = new DiversityGuard(60_000, 8, 32, 0.9);
    restored.restore(guard.toBytes());

    assertThat(restored.size()).isEqualTo(8);
    assertThat(restored.toBytes()).isEqualTo(guard.toBytes());
    assertThat(restored.tryAdmit(Map.of("k", "v9"), NONE, 20)).isFalse();
    assertThat(restored.tryAdmit(Map.of("k", "v1"), NONE, 20)).isTrue(); // evicted before

    byte[] bytes = guard.toBytes();
    bytes[7] = 9;
    assertThatThrownBy(() -> restored.restore(bytes))
        .hasMessage("diversity guard state: unknown format version 9, expected 1");
    assertThatThrownBy(() -> new DiversityGuard(60_000, 8, 16, 0.9).restore(guard.toBytes()))
        .hasMessage("diversity guard state: has 32 hashes, this guard uses 16");
  }

  @Test
  void configurationErrorsNameTheField() {
    assertThatThrownBy(() -> new DiversityGuard(0, 8, 16, 0.9))
        .hasMessageStartingWith("windowMillis: must be > 0");
    assertThatThrownBy(() -> new DiversityGuard(1, 8, 16, 1.5))
        .hasMessageStartingWith("threshold: ");
  }

  private static Map<String, String> fields(int n, String value) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < n; i++) {
      m.put("f" + i, value + i);
    }
    return m;
  }
}
