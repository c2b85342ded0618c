package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.DatasetRow;
import org.ctrflow.models.features.FeatureEncoder;
import org.ctrflow.models.metrics.ModelMetrics;
import org.ctrflow.models.metrics.StreamingAuc;
import org.ctrflow.models.training.MicroBatcher;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code ctrflow prequential}: one test-then-train pass over the files as one stream, in order:
 * each micro-batch is scored by the model before the model learns from it, so every row's score is
 * an honest out-of-sample prediction (progressive validation).
 */
@Command(
    name = "prequential",
    mixinStandardHelpOptions = true,
    description =
        "One test-then-train pass over the files in order; print progressive AUC/logloss.")
public final class PrequentialCommand extends ModelCommand {

  @Option(
      names = "--file",
      required = true,
      description = "Dataset file; repeat to stream several files in order.")
  List<Path> files;

  @Option(
      names = "--tail-rows",
      defaultValue = "0",
      description = "Also report the metrics of the last N rows (e.g. the test file's).")
  int tailRows;

  private long examples;

  @Override
  void run(PrintWriter out, PrintWriter err) throws IOException {
    if (tailRows < 0) {
      throw new IllegalArgumentException("--tail-rows must be >= 0, got " + tailRows);
    }
    ModelSetup setup = options.setup(true);
    TrainerConfig config = setup.trainer();
    FeatureEncoder encoder = setup.schema().encoder();
    ModelMetrics metrics =
        new ModelMetrics(
            options.model,
            tailRows > 0 ? tailRows : ModelMetrics.DEFAULT_WINDOW,
            StreamingAuc.DEFAULT_BINS);
    err.printf(
        Locale.ROOT,
        "prequential %s: batch %d, lr %g / embedding lr %g, embedding L2 %g, dropout %g / %g,"
            + " replay %d x %g%n",
        options.model,
        config.batchSize(),
        config.learningRate(),
        config.embeddingLearningRate(),
        config.embeddingL2(),
        setup.model().mlp1Dropout(),
        setup.model().mlp2Dropout(),
        config.replaySize(),
        config.replayRatio());
    try (OnlineTrainer trainer = new OnlineTrainer(setup.model(), config);
        Predictions predictions = new Predictions()) {
      // Files never idle, so batches flush on size only: runs are reproducible.
      MicroBatcher batcher =
          new MicroBatcher(
              setup.schema().fieldCount(),
              config.batchSize(),
              0,
              batch -> testThenTrain(trainer, batch, metrics, predictions, err));
      int[] example = new int[setup.schema().fieldCount()];
      for (Path file : files) {
        long read = 0;
        try (DatasetReader reader = options.open(file)) {
          while (read < options.limit && reader.hasNext()) {
            DatasetRow row = reader.next();
            encoder.encode(row.categorical(), row.numeric(), example, 0);
            batcher.add(example, row.label(), 1f);
            read++;
          }
          reportMalformed(err, reader);
        }
      }
      batcher.flush();
    }
    out.printf(
        Locale.ROOT,
        "%s prequential on %s: %,d rows, %.0f s, %,.0f examples/s%n",
        options.model,
        options.datasetName(),
        examples,
        elapsedSeconds(),
        examples / elapsedSeconds());
    printHeader(out);
    printRow(out, "all rows", metrics.snapshot().overall());
    if (tailRows > 0) {
      printRow(out, "last " + tailRows + " rows", metrics.snapshot().window());
    }
  }

  private void testThenTrain(
      OnlineTrainer trainer,
      MicroBatcher.Batch batch,
      ModelMetrics metrics,
      Predictions predictions,
      PrintWriter err) {
    double[] scores =
        trainer.scoreThenTrain(batch.rows(), batch.size(), batch.labels(), batch.weights());
    for (int i = 0; i < batch.size(); i++) {
      metrics.update(scores[i], (int) batch.labels()[i], batch.weights()[i]);
    }
    try {
      predictions.write(batch.labels(), scores, batch.size());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write predictions: " + e.getMessage(), e);
    }
    examples += batch.size();
    progress(err, "prequential", examples, metrics);
  }
}
