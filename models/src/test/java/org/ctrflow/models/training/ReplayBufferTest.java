package org.ctrflow.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ReplayBufferTest {

  @Test
  void replaysEarlierExamplesAfterTheFreshOnes() {
    ReplayBuffer buffer = new ReplayBuffer(2, 3, 2.0, 1);
    MicroBatcher.Batch first =
        buffer.mix(new long[] {1, 2, 3, 4}, 2, new float[] {1, 0}, new float[] {1, 1});
    assertThat(first.size()).as("nothing to replay yet").isEqualTo(2);

    MicroBatcher.Batch second =
        buffer.mix(new long[] {5, 6, 7, 8}, 2, new float[] {0, 0}, new float[] {2, 2});
    assertThat(second.size()).isEqualTo(6);
    assertThat(second.rows()).startsWith(5, 6, 7, 8);
    for (int i = 2; i < 6; i++) {
      long row = second.rows()[2 * i];
      assertThat(row).as("replayed from the first batch").isIn(1L, 3L);
      assertThat(second.labels()[i]).isEqualTo(row == 1 ? 1f : 0f);
      assertThat(second.weights()[i]).isEqualTo(1f);
    }

    // Capacity 3: the oldest example (rows 1, 2) has been overwritten by now.
    MicroBatcher.Batch third = buffer.mix(new long[] {9, 10}, 1, new float[] {1}, new float[] {1});
    for (int i = 1; i < third.size(); i++) {
      assertThat(third.rows()[2 * i]).isIn(3L, 5L, 7L);
    }
  }
}
