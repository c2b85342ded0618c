package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MicroBatcherTest {

  private final AtomicLong nanos = new AtomicLong();
  private final List<MicroBatcher.Batch> batches = new ArrayList<>();
  private final MicroBatcher batcher = new MicroBatcher(2, 3, 100, nanos::get, batches::add);

  @Test
  void flushesFullBatchesInOrder() {
    for (int i = 0; i < 7; i++) {
      batcher.add(new int[] {i, 10 + i}, i % 2, 1f + i);
    }
    assertThat(batches).hasSize(2);
    assertThat(batches.get(1).rows()).containsExactly(3, 13, 4, 14, 5, 15);
    assertThat(batches.get(1).labels()).containsExactly(1f, 0f, 1f);
    assertThat(batches.get(1).weights()).containsExactly(4f, 5f, 6f);
    assertThat(batcher.pending()).isEqualTo(1);
    batcher.flush();
    assertThat(batches.get(2).size()).isEqualTo(1);
    assertThat(batches.get(2).rows()).containsExactly(6, 16);
  }

  @Test
  void flushesAPartialBatchAfterMaxWait() {
    batcher.add(new int[] {1, 2}, 1, 1);
    nanos.addAndGet(99_000_000L);
    batcher.flushIfDue();
    assertThat(batches).isEmpty();
    nanos.addAndGet(1_000_000L);
    batcher.flushIfDue();
    assertThat(batches).hasSize(1);
    assertThat(batches.get(0).size()).isEqualTo(1);
    batcher.flushIfDue();
    assertThat(batches).hasSize(1);
  }
}
