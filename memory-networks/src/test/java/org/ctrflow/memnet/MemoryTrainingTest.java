package org.ctrflow.memnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.training.OnlineTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The slow and fast paths through the real {@link OnlineTrainer}. */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class MemoryTrainingTest {

  private static Map<String, float[]> weights(CtrModelBlock block) {
    Map<String, float[]> weights = new HashMap<>();
    for (Pair<String, Parameter> p : block.getParameters()) {
      weights.put(p.getKey(), p.getValue().getArray().toFloatArray());
    }
    return weights;
  }

  private static Set<String> changed(Map<String, float[]> before, Map<String, float[]> after) {
    Set<String> changed = new HashSet<>();
    before.forEach(
        (name, values) -> {
          if (!Arrays.equals(values, after.get(name))) {
            changed.add(name);
          }
        });
    return changed;
  }

  /**
   * Three slow steps change every parameter but S_φ's, which only the fast path trains. Also with
   * top-2 addressing, whose masked softmax must still pass gradient to the controllers.
   */
  @ParameterizedTest
  @CsvSource({"memnet, 0", "hybrid, 0", "memnet, 2"})
  void slowPathReachesEveryParameterAndWritesTheMemory(String model, String topK) {
    Map<String, String> options = new HashMap<>(MemoryFixtures.smallMemory());
    options.put("memory.top-k", topK);
    try (OnlineTrainer trainer =
        new OnlineTrainer(MemoryFixtures.small(model, options), MemoryFixtures.trainer())) {
      Map<String, float[]> before = weights(trainer.block());
      Random random = new Random(1);
      for (int i = 0; i < 3; i++) {
        long[] rows = MemoryFixtures.rows(random);
        trainer.train(rows, MemoryFixtures.BATCH, MemoryFixtures.labels(rows), null);
      }
      Set<String> unchanged = new HashSet<>(before.keySet());
      unchanged.removeAll(changed(before, weights(trainer.block())));
      assertThat(unchanged).isNotEmpty().allMatch(name -> name.contains("Sg_"));
      assertThat(before.keySet().stream().filter(name -> name.contains("Sg_")))
          .containsExactlyInAnyOrderElementsOf(unchanged);
      assertThat(before.keySet()).anyMatch(name -> name.endsWith("memory_slots"));
    }
  }

  @Test
  void fastUpdateChangesOnlyTheChosenControllers() {
    for (String controllers : new String[] {"read,write", "read"}) {
      Map<String, String> options = new HashMap<>(MemoryFixtures.smallMemory());
      options.put("fast.controllers", controllers);
      try (OnlineTrainer trainer =
              new OnlineTrainer(MemoryFixtures.small("memnet", options), MemoryFixtures.trainer());
          NDManager manager = NDManager.newBaseManager()) {
        MemoryAugmentedBlock block = (MemoryAugmentedBlock) trainer.block();
        Random random = new Random(2);
        for (int i = 0; i < 5; i++) {
          long[] rows = MemoryFixtures.rows(random);
          trainer.train(rows, MemoryFixtures.BATCH, MemoryFixtures.labels(rows), null);
        }
        long[] rows = MemoryFixtures.rows(random);
        NDArray x = manager.create(rows, new Shape(MemoryFixtures.BATCH, MemoryFixtures.FIELDS));
        NDArray y = manager.create(MemoryFixtures.labels(rows), new Shape(MemoryFixtures.BATCH, 1));
        // S_r predicts zero until its first fit: the first update only fits it.
        block.fastUpdate(x, y);
        Map<String, float[]> before = weights(block);
        block.fastUpdate(x, y);
        Set<String> expected = new HashSet<>();
        for (String name : before.keySet()) {
          // DJL names children by position: memory_01read (f_r), memory_02write (f_w), then
          // memory_03readSg (S_r, fitted after each update).
          boolean read = name.contains("memory_01read_") || name.contains("memory_03readSg_");
          boolean write = name.contains("memory_02write_");
          if (read || write && controllers.contains("write")) {
            expected.add(name);
          }
        }
        assertThat(expected).isNotEmpty();
        assertThat(changed(before, weights(block))).as(controllers).isEqualTo(expected);
      }
    }
  }

  /**
   * With fast learning of the write controller, each slow step fits S_w to the gradient the
   * backward leaves on the memory write's probe; with the read controller only, S_w is not kept.
   */
  @Test
  void slowStepsFitTheWriteControllersSyntheticGradient() {
    for (String controllers : new String[] {"read,write", "read"}) {
      Map<String, String> options = new HashMap<>(MemoryFixtures.smallMemory());
      options.put("fast.enabled", "true");
      options.put("fast.controllers", controllers);
      try (OnlineTrainer trainer =
          new OnlineTrainer(MemoryFixtures.small("memnet", options), MemoryFixtures.trainer())) {
        MemoryAugmentedBlock block = (MemoryAugmentedBlock) trainer.block();
        Random random = new Random(4);
        for (int i = 0; i < 3; i++) {
          long[] rows = MemoryFixtures.rows(random);
          trainer.train(rows, MemoryFixtures.BATCH, MemoryFixtures.labels(rows), null);
        }
        Map<String, Double> diagnostics = block.diagnostics();
        if (controllers.contains("write")) {
          assertThat(diagnostics.get("sg.write.error")).as(controllers).isFinite().isPositive();
          assertThat(diagnostics.get("sg.write.cosine")).as(controllers).isFinite();
        } else {
          assertThat(diagnostics).as(controllers).doesNotContainKey("sg.write.error");
        }
      }
    }
  }

  /**
   * S_r fitted by its own optimizer to fixed true gradients: its normalised error must fall well
   * below 1 (the error of predicting zero) and its cosine with them rise above 0.5.
   */
  @Test
  void syntheticGradientsLearnTheTrueGradients() {
    try (OnlineTrainer trainer =
            new OnlineTrainer(
                MemoryFixtures.small("memnet", MemoryFixtures.smallMemory()),
                MemoryFixtures.trainer());
        NDManager manager = NDManager.newBaseManager()) {
      MemoryAugmentedBlock block = (MemoryAugmentedBlock) trainer.block();
      SgFitter fitter = new SgFitter(block.memory(), true);
      Random random = new Random(3);
      int k = block.memory().options().width();
      NDArray q = manager.randomNormal(new Shape(MemoryFixtures.BATCH, k));
      NDArray y =
          manager.create(
              MemoryFixtures.labels(MemoryFixtures.rows(random)),
              new Shape(MemoryFixtures.BATCH, 1));
      // A learnable target: a fixed linear map of q, signed by the label.
      NDArray g = q.matMul(manager.randomNormal(new Shape(k, k))).mul(y.mul(2).sub(1));
      for (int i = 0; i < 400; i++) {
        fitter.fit(q, y, g);
      }
      double error = 0;
      double norm = 0;
      float[] s = fitter.predict(q, y).toFloatArray();
      float[] t = g.toFloatArray();
      for (int i = 0; i < t.length; i++) {
        error += (s[i] - t[i]) * (s[i] - t[i]);
        norm += t[i] * t[i];
      }
      assertThat(error / norm).isLessThan(0.3);
      assertThat(fitter.meanCosine()).isGreaterThan(0.5);
    }
  }
}
