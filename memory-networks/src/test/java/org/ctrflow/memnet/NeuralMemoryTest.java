package org.ctrflow.memnet;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NeuralMemoryTest {

  @Test
  void addressingIsADistributionOverSlotsPerExample() {
    NeuralMemory memory = new NeuralMemory(MemnetOptions.parse(MemoryFixtures.smallMemory()));
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray q = manager.randomNormal(new Shape(5, 4)).mul(3);
      NDArray slots = manager.randomNormal(new Shape(6, 4));
      NDArray z = memory.address(q, slots);
      assertThat(z.getShape()).isEqualTo(new Shape(5, 6));
      for (float sum : z.sum(new int[] {1}).toFloatArray()) {
        assertThat(sum).isCloseTo(1f, within(1e-5f));
      }
      assertThat(z.gte(0f).all().getBoolean()).isTrue();
    }
  }

  @Test
  void topKAddressingIsTheSoftmaxOverTheKBestSlots() {
    Map<String, String> options = new HashMap<>(MemoryFixtures.smallMemory());
    options.put("memory.top-k", "2");
    NeuralMemory memory = new NeuralMemory(MemnetOptions.parse(options));
    try (NDManager manager = NDManager.newBaseManager()) {
      // One query, six slots with scores q·M = 3, 1, 5, -2, 0, 4 (τ = 1): slots 2 and 5 are kept.
      NDArray q = manager.create(new float[] {1, 0, 0, 0}, new Shape(1, 4));
      NDArray slots = manager.zeros(new Shape(6, 4));
      slots.set(new NDIndex(":, 0"), manager.create(new float[] {3, 1, 5, -2, 0, 4}));
      float[] z = memory.address(q, slots).toFloatArray();
      float e5 = (float) Math.exp(5);
      float e4 = (float) Math.exp(4);
      assertThat(z)
          .containsExactly(new float[] {0, 0, e5 / (e5 + e4), 0, 0, e4 / (e5 + e4)}, within(1e-6f));

      NDArray batch = memory.address(manager.randomNormal(new Shape(5, 4)).mul(3), slots);
      for (float sum : batch.sum(new int[] {1}).toFloatArray()) {
        assertThat(sum).isCloseTo(1f, within(1e-5f));
      }
      assertThat(batch.gt(0f).sum(new int[] {1}).toLongArray()).containsOnly(2L);
    }
  }

  @Test
  void topKMustFitTheSlots() {
    Map<String, String> options = new HashMap<>(MemoryFixtures.smallMemory());
    options.put("memory.top-k", "7");
    assertThatThrownBy(() -> MemnetOptions.parse(options))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory.top-k")
        .hasMessageContaining("from 1 to memory.slots (6)");
  }

  @Test
  void writeKeepsUnaddressedSlotsAndBlendsAddressedOnes() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray memory = manager.create(new float[] {1, 1, 2, 2, 3, 3}, new Shape(3, 2));
      // Example 1 addresses slot 0 fully; example 2 splits between slots 0 and 1.
      NDArray z = manager.create(new float[] {1, 0, 0, 0.5f, 0.5f, 0}, new Shape(2, 3));
      NDArray h = manager.create(new float[] {10, 20, 30, 40}, new Shape(2, 2));
      float[] written = NeuralMemory.write(memory, z, h).toFloatArray();
      // z̄ = (0.75, 0.25, 0): slot 0 keeps 0.25 of itself and gets (1·h1 + 0.5·h2)/2.
      assertThat(written)
          .containsExactly(
              new float[] {
                0.25f * 1 + (10 + 15) / 2f,
                0.25f * 1 + (20 + 20) / 2f,
                0.75f * 2 + 15 / 2f,
                0.75f * 2 + 20 / 2f,
                3,
                3
              },
              within(1e-5f));
    }
  }

  @Test
  void oneExampleWriteIsTheIssuesRule() {
    try (NDManager manager = NDManager.newBaseManager()) {
      NDArray memory = manager.randomNormal(new Shape(4, 3));
      NDArray z = manager.create(new float[] {0.1f, 0.2f, 0.3f, 0.4f}, new Shape(1, 4));
      NDArray h = manager.randomNormal(new Shape(1, 3));
      NDArray expected =
          memory.mul(manager.ones(new Shape(4, 1)).sub(z.transpose())).add(z.transpose().matMul(h));
      assertThat(NeuralMemory.write(memory, z, h).toFloatArray())
          .containsExactly(expected.toFloatArray(), within(1e-5f));
    }
  }
}
