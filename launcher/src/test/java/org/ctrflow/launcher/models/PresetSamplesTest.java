package org.ctrflow.launcher.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.models.training.OnlineTrainer;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each dataset preset without a published split here reads its sample in ../shared/datasets with
 * its reader, encodes it with its schema and trains its model: the loss is finite and falls over a
 * few passes. MovieLens reads as CSV, its 1-5 {@code rating} binarized by the preset (4 and up).
 */
@Timeout(300)
class PresetSamplesTest {

  private static final int BATCH = 50;
  private static final int PASSES = 8;

  @ParameterizedTest(name = "{0}")
  @CsvSource({
    "CRITEO, criteo, criteo_sample/criteo_sample.txt, 200",
    "AVAZU, avazu, avazu_sample/avazu_sample.txt, 100",
    "MOVIELENS, csv, movielens_sample/movielens_sample.txt, 200"
  })
  void thePresetTrainsOnItsSample(ModelPreset preset, String format, String sample, int rows)
      throws Exception {
    Path file = SharedData.dataset(sample);
    DatasetOptions options = new DatasetOptions();
    options.model = "finalmlp";
    options.preset = preset;
    options.format = format;
    options.limit = Long.MAX_VALUE;
    ModelSetup setup = options.setup(true);
    StringWriter malformed = new StringWriter();
    EncodedDataset data =
        EncodedDataset.load(options, file, setup.schema().encoder(), new PrintWriter(malformed));
    assertThat(data.size()).as("rows read; malformed: %s", malformed).isEqualTo(rows);

    double[] passLoss = new double[PASSES];
    try (OnlineTrainer trainer =
        new OnlineTrainer(setup.model(), setup.trainer().toBuilder().batchSize(BATCH).build())) {
      for (int pass = 0; pass < PASSES; pass++) {
        for (int from = 0; from + BATCH <= data.size(); from += BATCH) {
          double loss =
              trainer.train(data.rows(from, BATCH), BATCH, data.labels(from, BATCH), null);
          assertThat(loss).as("pass %d, rows from %d", pass, from).isFinite();
          passLoss[pass] += loss;
        }
      }
    }
    assertThat(passLoss[PASSES - 1])
        .as("summed loss of the last pass vs the first (%s)", java.util.Arrays.toString(passLoss))
        .isLessThan(0.8 * passLoss[0]);
  }
}
