package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import org.ctrflow.models.features.FeatureEncoder;
import org.ctrflow.models.metrics.MetricsSnapshot;
import org.ctrflow.models.metrics.ModelMetrics;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctrflow train-offline}: multi-epoch training as in the papers (FuxiCTR's loop): shuffled
 * epochs, validation AUC after each, learning rates times {@code lrDecayFactor} after an epoch
 * without improvement, stop after {@code patience} such epochs, restore the best epoch's weights,
 * then score the test file.
 */
@Command(
    name = "train-offline",
    mixinStandardHelpOptions = true,
    description = "Train a model for several epochs with early stopping; print test AUC/logloss.")
public final class TrainOfflineCommand extends ModelCommand {

  @Option(names = "--train", required = true, description = "Training file.")
  Path train;

  @Option(names = "--valid", required = true, description = "Validation file (early stopping).")
  Path valid;

  @Option(names = "--test", required = true, description = "Test file, scored once at the end.")
  Path test;

  @Override
  void run(PrintWriter out, PrintWriter err) throws IOException {
    ModelSetup setup = options.setup(false);
    TrainerConfig config = setup.trainer();
    FeatureEncoder encoder = setup.schema().encoder();
    EncodedDataset trainData = EncodedDataset.load(options, train, encoder, err);
    EncodedDataset validData = EncodedDataset.load(options, valid, encoder, err);
    EncodedDataset testData = EncodedDataset.load(options, test, encoder, err);
    err.printf(
        Locale.ROOT,
        "loaded %,d / %,d / %,d rows in %.1f s; %s, batch %d, lr %g%n",
        trainData.size(),
        validData.size(),
        testData.size(),
        elapsedSeconds(),
        options.model,
        config.batchSize(),
        config.learningRate());
    try (OnlineTrainer trainer = new OnlineTrainer(setup.model(), config);
        Predictions predictions = new Predictions()) {
      Random random = new Random(config.seed());
      int fields = setup.schema().fieldCount();
      long[] rows = new long[config.batchSize() * fields];
      float[] labels = new float[config.batchSize()];
      byte[] best = null;
      MetricsSnapshot.Scope bestValid = null;
      int bestEpoch = 0;
      int strikes = 0;
      int epoch = 0;
      long examples = 0;
      while (epoch < config.epochs() && strikes < config.patience()) {
        epoch++;
        int[] order = trainData.shuffled(random);
        double lossSum = 0;
        int steps = 0;
        for (int from = 0; from < order.length; from += config.batchSize()) {
          int n = Math.min(config.batchSize(), order.length - from);
          trainData.gather(order, from, n, rows, labels);
          lossSum += trainer.train(rows, n, labels, null);
          steps++;
          examples += n;
        }
        ModelMetrics validMetrics = new ModelMetrics(options.model);
        score(trainer, validData, validMetrics, null);
        MetricsSnapshot.Scope v = validMetrics.snapshot().overall();
        err.printf(
            Locale.ROOT,
            "epoch %d: train loss %.4f, valid AUC %.4f, logloss %.4f, lr x%.0e, %,.0f train"
                + " examples/s, %.0f s%n",
            epoch,
            lossSum / steps,
            v.auc(),
            v.logLoss(),
            trainer.learningRateScale(),
            examples / elapsedSeconds(),
            elapsedSeconds());
        err.flush();
        if (bestValid == null || v.auc() > bestValid.auc()) {
          best = trainer.saveWeights();
          bestValid = v;
          bestEpoch = epoch;
          strikes = 0;
        } else {
          strikes++;
          float floor = config.minLearningRate() / config.learningRate();
          trainer.setLearningRateScale(
              Math.max(trainer.learningRateScale() * config.lrDecayFactor(), floor));
        }
      }
      trainer.loadWeights(best);
      ModelMetrics testMetrics = new ModelMetrics(options.model);
      score(trainer, testData, testMetrics, predictions);
      out.printf(
          Locale.ROOT,
          "%s on %s: %d epochs, best epoch %d, %.0f s%n",
          options.model,
          options.datasetName(),
          epoch,
          bestEpoch,
          elapsedSeconds());
      printHeader(out);
      printRow(out, "valid (best epoch)", bestValid);
      printRow(out, "test", testMetrics.snapshot().overall());
    }
  }
}
