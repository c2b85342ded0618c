package org.ctrflow.connectors.replay;

import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A token-bucket rate limiter: {@code rate} permits per second on average, bursts of up to {@code
 * burst} permits after idle time. Not thread-safe: one replay loop owns it.
 */
public final class TokenBucket {

  private final double ratePerNano;
  private final double burst;
  private final LongSupplier nanoClock;
  private double tokens;
  private long lastRefill;

  /**
   * @param ratePerSecond average permits per second, > 0
   * @param burst most permits taken without waiting, >= 1
   * @param nanoClock a monotonic clock in nanoseconds ({@code System::nanoTime})
   */
  public TokenBucket(double ratePerSecond, double burst, LongSupplier nanoClock) {
    if (!(ratePerSecond > 0) || Double.isInfinite(ratePerSecond)) {
      throw new IllegalArgumentException(
          "rate must be a positive number of events per second, was " + ratePerSecond);
    }
    if (!(burst >= 1)) {
      throw new IllegalArgumentException("burst must be >= 1, was " + burst);
    }
    this.ratePerNano = ratePerSecond / TimeUnit.SECONDS.toNanos(1);
    this.burst = burst;
    this.nanoClock = nanoClock;
    this.tokens = burst;
    this.lastRefill = nanoClock.getAsLong();
  }

  /**
   * Takes one permit and returns how long the caller must wait before using it, in nanoseconds (0
   * when a token was available). The debt is booked at once, so waits add up correctly over calls.
   */
  public long reserve() {
    long now = nanoClock.getAsLong();
    tokens = Math.min(burst, tokens + (now - lastRefill) * ratePerNano);
    lastRefill = now;
    tokens -= 1;
    return tokens >= 0 ? 0 : (long) Math.ceil(-tokens / ratePerNano);
  }

  /** Takes one permit, sleeping as long as the rate requires. */
  public void acquire() throws InterruptedException {
    long wait = reserve();
    if (wait > 0) {
      TimeUnit.NANOSECONDS.sleep(wait);
    }
  }
}
