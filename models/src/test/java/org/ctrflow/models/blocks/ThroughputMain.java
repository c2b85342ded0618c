package org.ctrflow.models.blocks;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import java.util.Arrays;

/**
 * Prints forward+backward+Adam samples/s and inference samples/s of the Frappe configurations on
 * random indices (throughput does not depend on the values). Not a test: timings vary by machine.
 *
 * <p>Arguments: batch size (default 1024), timed training steps (default 100), then any of {@code
 * finalmlp dualmlp dnn criteo} (default: the three Frappe models).
 *
 * <p>It is the dense-Adam baseline for {@code ctrflow bench model} (DJL's own {@code Trainer},
 * which updates the whole embedding table every step). Run it from the repository root:
 *
 * <pre>
 * ./mvnw -q -B -pl models -am test-compile dependency:build-classpath  *     -Dmdep.outputFile=/tmp/cp.txt -Dmdep.includeScope=test
 * java @bin/jvm.options -cp models/target/classes:models/target/test-classes:$(cat /tmp/cp.txt)  *     org.ctrflow.models.blocks.ThroughputMain 1024 60 finalmlp criteo
 * </pre>
 */
public final class ThroughputMain {

  private static final int WARM_UP_STEPS = 10;

  private ThroughputMain() {}

  public static void main(String[] args) {
    int batch = args.length > 0 ? Integer.parseInt(args[0]) : 1024;
    int steps = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    String[] models =
        args.length > 2
            ? Arrays.copyOfRange(args, 2, args.length)
            : CtrModels.NAMES.toArray(String[]::new);
    for (String name : models) {
      CtrModelConfig config =
          name.equals("criteo")
              ? CtrModelConfig.criteoSized("finalmlp")
              : CtrModelConfig.frappe(name, 5382);
      measure(name, config, batch, steps);
    }
  }

  private static void measure(String name, CtrModelConfig config, int batch, int steps) {
    CtrModelBlock block = CtrModels.create(config);
    try (Model model = Model.newInstance(name)) {
      model.setBlock(block);
      DefaultTrainingConfig training =
          new DefaultTrainingConfig(new CtrLoss(block))
              .optOptimizer(Optimizer.adam().optLearningRateTracker(Tracker.fixed(1e-3f)).build());
      try (Trainer trainer = model.newTrainer(training)) {
        trainer.initialize(block.inputShape(batch));
        NDManager root = model.getNDManager();
        for (int i = 0; i < WARM_UP_STEPS; i++) {
          trainStep(trainer, root, config, batch);
        }
        long start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          trainStep(trainer, root, config, batch);
        }
        double trainSeconds = (System.nanoTime() - start) / 1e9;

        start = System.nanoTime();
        for (int i = 0; i < steps; i++) {
          try (NDManager step = root.newSubManager()) {
            block.predict(indices(step, config, batch)).toFloatArray();
          }
        }
        double predictSeconds = (System.nanoTime() - start) / 1e9;
        System.out.printf(
            "%-9s batch %5d: train %,8.0f samples/s, predict %,9.0f samples/s%n",
            name,
            batch,
            steps * (double) batch / trainSeconds,
            steps * (double) batch / predictSeconds);
      }
    }
  }

  private static void trainStep(Trainer trainer, NDManager root, CtrModelConfig config, int batch) {
    try (NDManager step = root.newSubManager();
        GradientCollector collector = trainer.newGradientCollector()) {
      NDArray labels =
          step.randomInteger(0, 2, new Shape(batch, 1), DataType.INT32)
              .toType(DataType.FLOAT32, false);
      NDList logits = trainer.forward(new NDList(indices(step, config, batch)));
      collector.backward(trainer.getLoss().evaluate(new NDList(labels), logits));
    }
    trainer.step();
  }

  private static NDArray indices(NDManager step, CtrModelConfig config, int batch) {
    return step.randomInteger(
        0, config.numRows(), new Shape(batch, config.numFields()), DataType.INT64);
  }
}
