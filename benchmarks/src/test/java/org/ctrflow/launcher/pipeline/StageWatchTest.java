package org.ctrflow.launcher.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.flink.api.common.functions.MapFunction;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.configuration.RestOptions;
import org.apache.flink.configuration.RestartStrategyOptions;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.streaming.api.functions.sink.v2.DiscardingSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The bench's waits end: when stages are done, on a stall, and when a real Flink job fails. */
@Timeout(60)
class StageWatchTest {

  private final ByteArrayOutputStream progress = new ByteArrayOutputStream();
  private final StageWatch watch =
      new StageWatch(
          Duration.ofSeconds(1),
          Duration.ofMillis(200),
          new PrintStream(progress, true, StandardCharsets.UTF_8));

  private static long inOneMinute() {
    return System.nanoTime() + TimeUnit.MINUTES.toNanos(1);
  }

  @Test
  void returnsWhenEveryStageReachedItsTarget() {
    AtomicLong a = new AtomicLong();
    AtomicLong b = new AtomicLong();
    StageWatch.Stage first = new StageWatch.Stage("a", 50, () -> a.addAndGet(1));
    StageWatch.Stage second = new StageWatch.Stage("b", 10, () -> b.addAndGet(1));
    watch.await(List.of(first, second), inOneMinute());
    assertThat(first.done()).isTrue();
    assertThat(second.done()).isTrue();
    assertThat(second.doneAt()).isLessThanOrEqualTo(first.doneAt());
  }

  @Test
  void aStageThatStopsGrowingFailsAfterTheStallTimeoutNamingItsCount() {
    AtomicLong growing = new AtomicLong();
    long start = System.nanoTime();
    assertThatThrownBy(
            () ->
                watch.await(
                    List.of(
                        new StageWatch.Stage(
                            "labeled examples", 28_860, () -> Math.min(growing.addAndGet(1), 100)),
                        new StageWatch.Stage("predictions", 5, () -> 5)),
                    inOneMinute()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("stalled: no stage progressed for 1 s")
        .hasMessageContaining("labeled examples 100 of 28,860")
        .hasMessageContaining("predictions 5 of 5 (done)");
    assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(30));
    assertThat(progress.toString(StandardCharsets.UTF_8)).contains("labeled examples");
  }

  @Test
  void aFailedJobEndsTheWaitWithItsCause() throws Exception {
    Configuration conf = new Configuration();
    conf.set(RestOptions.BIND_PORT, "0");
    conf.set(RestartStrategyOptions.RESTART_STRATEGY, "none");
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(1, conf);
    env.fromData(1, 2, 3).map(new Failing()).sinkTo(new DiscardingSink<>());
    JobClient job = env.executeAsync("failing");
    AtomicLong growing = new AtomicLong();
    assertThatThrownBy(
            () ->
                new StageWatch(Duration.ofMinutes(1), Duration.ofMinutes(1), System.err)
                    .job("scoring", job, false)
                    .await(
                        List.of(
                            new StageWatch.Stage(
                                "predictions",
                                Long.MAX_VALUE,
                                () -> {
                                  try {
                                    Thread.sleep(20);
                                  } catch (InterruptedException e) {
                                    Thread.currentThread().interrupt();
                                  }
                                  return growing.addAndGet(1);
                                })),
                        inOneMinute()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("job scoring failed or ended early")
        .hasMessageContaining("model store unreachable")
        .hasMessageContaining("jobs: [scoring failed]");
  }

  /** Fails its task, as a job with a broken dependency would. */
  private static final class Failing implements MapFunction<Integer, Integer> {
    @Override
    public Integer map(Integer value) {
      throw new IllegalStateException("model store unreachable");
    }
  }
}
