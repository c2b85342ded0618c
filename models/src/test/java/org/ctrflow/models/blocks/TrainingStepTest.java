package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One SGD step through DJL's Trainer reaches and moves every trainable parameter. */
class TrainingStepTest {

  private static final long ROWS = 60;
  private static final int FIELDS = 5;
  private static final int BATCH = 16;
  private static final float LEARNING_RATE = 0.5f;

  @ParameterizedTest(name = "{0}")
  @CsvSource({"finalmlp", "dualmlp", "dnn"})
  void gradientsReachEveryParameter(String model) {
    // BlockFixtures.small gives FinalMLP one context gate and one bias gate: both kinds are
    // trained.
    CtrModelBlock block = CtrModels.create(BlockFixtures.small(model, ROWS, FIELDS, 4));
    try (Model djlModel = Model.newInstance(model)) {
      djlModel.setBlock(block);
      DefaultTrainingConfig config =
          new DefaultTrainingConfig(new CtrLoss(block))
              .optOptimizer(
                  Optimizer.sgd().setLearningRateTracker(Tracker.fixed(LEARNING_RATE)).build());
      try (Trainer trainer = djlModel.newTrainer(config);
          NDManager step = djlModel.getNDManager().newSubManager()) {
        trainer.initialize(block.inputShape(BATCH));
        List<Pair<String, Parameter>> trainable =
            block.getParameters().stream().filter(p -> p.getValue().requiresGradient()).toList();
        Map<String, NDArray> before = new LinkedHashMap<>();
        trainable.forEach(p -> before.put(p.getKey(), p.getValue().getArray().duplicate()));
        before.values().forEach(a -> a.attach(step));

        NDArray x = BlockFixtures.indices(step, BATCH, FIELDS, ROWS);
        NDArray y =
            step.randomInteger(0, 2, new Shape(BATCH, 1), DataType.INT32)
                .toType(DataType.FLOAT32, false);
        try (GradientCollector collector = trainer.newGradientCollector()) {
          NDList logits = trainer.forward(new NDList(x));
          NDArray loss = trainer.getLoss().evaluate(new NDList(y), logits);
          assertThat(loss.getShape()).isEqualTo(new Shape());
          collector.backward(loss);
        }
        Map<String, NDArray> expected = new LinkedHashMap<>();
        for (Pair<String, Parameter> p : trainable) {
          NDArray gradient = p.getValue().getArray().getGradient();
          assertThat(gradient.abs().sum().getFloat()).as("|grad| of " + p.getKey()).isPositive();
          NDArray sgd = before.get(p.getKey()).sub(gradient.mul(LEARNING_RATE));
          expected.put(p.getKey(), sgd);
        }
        trainer.step();
        // Early gradients can be far below a parameter's float32 resolution (embeddings start at
        // 1e-4), so check the optimizer applied exactly w - lr·g rather than that w moved.
        for (Pair<String, Parameter> p : trainable) {
          assertThat(p.getValue().getArray().allClose(expected.get(p.getKey()), 1e-5, 1e-7, false))
              .as("SGD update of " + p.getKey())
              .isTrue();
        }
        assertThat(trainable).hasSizeGreaterThan(model.equals("finalmlp") ? 10 : 4);
      }
    }
  }
}
