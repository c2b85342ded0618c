package org.ctrflow.connectors.replay;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class TokenBucketTest {

  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  @Test
  void aBurstIsFreeThenEachPermitWaitsOneOverTheRate() {
    TokenBucket bucket = new TokenBucket(1_000, 10, now::get);
    for (int i = 0; i < 10; i++) {
      assertThat(bucket.reserve()).isZero();
    }
    // 1,000/s: the 11th permit is 1 ms in debt, the 12th 2 ms.
    assertThat(bucket.reserve()).isEqualTo(1_000_000L);
    assertThat(bucket.reserve()).isEqualTo(2_000_000L);
  }

  @Test
  void overALongRunTheRateIsHonoured() {
    TokenBucket bucket = new TokenBucket(500, 1, now::get);
    int permits = 10_000;
    for (int i = 0; i < permits; i++) {
      // The caller sleeps what it was told: advance the clock by it.
      now.addAndGet(bucket.reserve());
    }
    double seconds = (now.get() - 1_000_000_000L) / 1e9;
    // The first permit is free, so 9,999 intervals of 2 ms.
    assertThat(permits / seconds).isCloseTo(500, org.assertj.core.data.Offset.offset(0.1));
  }

  @Test
  void idleTimeRefillsNoMoreThanTheBurst() {
    TokenBucket bucket = new TokenBucket(100, 5, now::get);
    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < 5; i++) {
      assertThat(bucket.reserve()).isZero();
    }
    assertThat(bucket.reserve()).isEqualTo(10_000_000L);
  }

  @Test
  void rejectsANonPositiveRate() {
    assertThatThrownBy(() -> new TokenBucket(0, 1, now::get)).hasMessageContaining("positive");
  }
}
