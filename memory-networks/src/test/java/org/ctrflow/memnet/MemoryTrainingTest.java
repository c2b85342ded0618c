package org.ctrflow.memnet;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.GradientCollector;
import ai.djl.training.ParameterStore;
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
   * Three steps: S_φ's hidden layers get gradient once its zero last layer has moved. Also with
   * top-2 addressing, whose masked softmax must still pass gradient to the controllers.
   */
  @ParameterizedTest
  @CsvSource({"memnet, 0", "hybrid, 0", "memnet, 2"})
  void slowPathReachesEveryParameterAndWritesTheMemory(String model, String topK) {
    Map<String, String> options = new HashMap<>(Fixtures.smallMemory());
    options.put("memory.top-k", topK);
    try (OnlineTrainer trainer =
        new OnlineTrainer(Fixtures.small(model, options), Fixtures.trainer())) {
      Map<String, float[]> before = weights(trainer.block());
      Random random = new Random(1);
      for (int i = 0; i < 3; i++) {
        long[] rows = Fixtures.rows(random);
        trainer.train(rows, Fixtures.BATCH, Fixtures.labels(rows), null);
      }
      Set<String> unchanged = new HashSet<>(before.keySet());
      unchanged.removeAll(changed(before, weights(trainer.block())));
      assertThat(unchanged).isEmpty();
      assertThat(before.keySet()).anyMatch(name -> name.endsWith("memory_slots"));
      assertThat(((MemoryAugmentedBlock) trainer.block()).lastSyntheticGradientLoss()).isFinite();
    }
  }

  @Test
  void fastUpdateChangesOnlyTheChosenControllers() {
    for (String controllers : new String[] {"read,write", "read"}) {
      Map<String, String> options = new HashMap<>(Fixtures.smallMemory());
      options.put("fast.controllers", controllers);
      try (OnlineTrainer trainer =
              new OnlineTrainer(Fixtures.small("memnet", options), Fixtures.trainer());
          NDManager manager = NDManager.newBaseManager()) {
        MemoryAugmentedBlock block = (MemoryAugmentedBlock) trainer.block();
        Random random = new Random(2);
        for (int i = 0; i < 5; i++) {
          long[] rows = Fixtures.rows(random);
          trainer.train(rows, Fixtures.BATCH, Fixtures.labels(rows), null);
        }
        long[] rows = Fixtures.rows(random);
        Map<String, float[]> before = weights(block);
        block.fastUpdate(
            manager.create(rows, new Shape(Fixtures.BATCH, Fixtures.FIELDS)),
            manager.create(Fixtures.labels(rows), new Shape(Fixtures.BATCH, 1)));
        Set<String> expected = new HashSet<>();
        for (String name : before.keySet()) {
          // DJL names children by position: memory_01read (f_r), memory_02write (f_w).
          boolean read = name.contains("memory_01read_");
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

  /** S_r fitted alone to one slow step's true gradients: its loss must fall well below ‖g‖². */
  @Test
  void syntheticGradientLossFallsWhenFittedToTrueGradients() {
    try (OnlineTrainer trainer =
            new OnlineTrainer(
                Fixtures.small("memnet", Fixtures.smallMemory()), Fixtures.trainer());
        NDManager manager = NDManager.newBaseManager()) {
      MemoryAugmentedBlock block = (MemoryAugmentedBlock) trainer.block();
      Random random = new Random(3);
      long[] rows = Fixtures.rows(random);
      trainer.train(rows, Fixtures.BATCH, Fixtures.labels(rows), null);
      SgTargets t = block.lastTargets();
      NeuralMemory memory = block.memory();
      Parameter[] sg =
          block.getParameters().stream()
              .filter(p -> p.getKey().contains("readSg"))
              .map(Pair::getValue)
              .toArray(Parameter[]::new);
      float first = Float.NaN;
      float last = Float.NaN;
      NDArray lr = manager.full(new Shape(), 0.05f);
      for (int i = 0; i < 300; i++) {
        try (NDManager step = manager.newSubManager()) {
          try (GradientCollector collector = Engine.getInstance().newGradientCollector()) {
            NDArray loss =
                memory
                    .readSyntheticGradient(
                        new ParameterStore(step, false), t.query(step), t.queryLabels(step), true)
                    .sub(t.queryGradient(step))
                    .square()
                    .sum(new int[] {1})
                    .mean();
            collector.backward(loss);
            last = loss.getFloat();
            first = i == 0 ? last : first;
          }
          for (Parameter p : sg) {
            NDArray g = p.getArray().getGradient();
            g.attach(step);
            p.getArray().subi(g.mul(lr));
            g.subi(g);
          }
        }
      }
      assertThat(first).isPositive();
      assertThat(last).isLessThan(first * 0.5f);
    }
  }
}
