package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(60)
class HostBufferTest {

  @Test
  void tensorsAreCopiesThatSurviveRefillingTheBuffer() {
    HostBuffer staging = new HostBuffer();
    try (NDManager m = NDManager.newBaseManager()) {
      NDArray first = staging.create(m, new long[] {1, 2, 3, 4, 99}, new Shape(2, 2));
      NDArray second = staging.create(m, new float[] {0.5f, -1f, 7f}, new Shape(3));
      NDArray grown = staging.create(m, new long[5000], new Shape(5000));
      assertThat(first.getDataType()).isEqualTo(DataType.INT64);
      assertThat(first.toLongArray()).containsExactly(1, 2, 3, 4);
      assertThat(second.toFloatArray()).containsExactly(0.5f, -1f, 7f);
      assertThat(grown.sum().getLong()).isZero();
      assertThat(first.getManager()).isSameAs(m);
    }
  }
}
