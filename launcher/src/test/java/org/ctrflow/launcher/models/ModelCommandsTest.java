package org.ctrflow.launcher.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.ctrflow.launcher.CtrflowCommand;
import org.ctrflow.launcher.emit.CommandRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The evaluation commands end to end on a few hundred synthetic rows in Frappe's libFM layout. */
@Timeout(120)
class ModelCommandsTest {

  // Frappe's first feature id per field (FeatureSchemas.frappe), and the end of the last field.
  private static final int[] FIRST_IDS = {
    0, 957, 5039, 5046, 5053, 5055, 5058, 5060, 5069, 5149, 5382
  };

  @TempDir Path dir;

  /** Rows whose label is learnable: positive when the user id is even. */
  private Path frappeFile(String name, int rows, long seed) throws IOException {
    Random random = new Random(seed);
    List<String> lines = new ArrayList<>();
    for (int r = 0; r < rows; r++) {
      StringBuilder line = new StringBuilder();
      int user = random.nextInt(20);
      line.append(user % 2 == 0 ? "1" : "-1");
      for (int f = 0; f < 10; f++) {
        int span = FIRST_IDS[f + 1] - FIRST_IDS[f];
        int id = FIRST_IDS[f] + (f == 0 ? user : random.nextInt(Math.min(span, 5)));
        line.append(' ').append(id).append(":1");
      }
      lines.add(line.toString());
    }
    return Files.write(dir.resolve(name), lines);
  }

  private static CommandRun ctrflow(String... args) {
    return CommandRun.execute(new CtrflowCommand(), args);
  }

  /** {@code ctrflow prequential --model <model> --preset frappe --format libfm <rest>}. */
  private static CommandRun prequential(String model, String... rest) {
    List<String> args =
        new ArrayList<>(
            List.of("prequential", "--model", model, "--preset", "frappe", "--format", "libfm"));
    args.addAll(List.of(rest));
    return ctrflow(args.toArray(String[]::new));
  }

  @Test
  void prequentialScoresEveryRowInInputOrder() throws IOException {
    Path a = frappeFile("a.libfm", 300, 1);
    Path b = frappeFile("b.libfm", 200, 2);
    Path predictions = dir.resolve("p.tsv");
    Path config = Files.writeString(dir.resolve("c.json"), "{\"trainer\": {\"batchSize\": 64}}");
    CommandRun run =
        prequential(
            "finalmlp",
            "--file",
            a.toString(),
            "--file",
            b.toString(),
            "--tail-rows",
            "100",
            "--config",
            config.toString(),
            "--predictions-out",
            predictions.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("500 rows").contains("all rows").contains("last 100 rows");
    assertThat(run.err()).contains("batch 64");
    List<String> lines = Files.readAllLines(predictions);
    List<String> input = new ArrayList<>(Files.readAllLines(a));
    input.addAll(Files.readAllLines(b));
    assertThat(lines).hasSize(500);
    for (int i = 0; i < lines.size(); i++) {
      String[] parts = lines.get(i).split("\t");
      assertThat(parts[0]).isEqualTo(input.get(i).startsWith("1 ") ? "1" : "0");
      assertThat(Double.parseDouble(parts[1])).isBetween(0.0, 1.0);
    }
  }

  @Test
  void trainOfflineStopsEarlyAndScoresTheTestFile() throws IOException {
    Path train = frappeFile("train.libfm", 400, 3);
    Path valid = frappeFile("valid.libfm", 100, 4);
    Path test = frappeFile("test.libfm", 100, 5);
    Path predictions = dir.resolve("p.tsv");
    Path config =
        Files.writeString(
            dir.resolve("c.json"),
            "{\"trainer\": {\"batchSize\": 64, \"epochs\": 3, \"learningRate\": 0.01,"
                + " \"embeddingLearningRate\": 0.01}, \"model\": {\"mlp1Dropout\": 0.1}}");
    CommandRun run =
        ctrflow(
            "train-offline",
            "--model",
            "dnn",
            "--preset",
            "frappe",
            "--format",
            "libfm",
            "--train",
            train.toString(),
            "--valid",
            valid.toString(),
            "--test",
            test.toString(),
            "--config",
            config.toString(),
            "--predictions-out",
            predictions.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.err()).contains("epoch 1:");
    assertThat(run.out())
        .contains("valid (best epoch)")
        .containsPattern("test\\s+100\\s+(0\\.9|1\\.0)");
    assertThat(Files.readAllLines(predictions)).hasSize(100);
  }

  @Test
  void badUsageExitsWithTwoAndSaysWhy() throws IOException {
    Path file = frappeFile("a.libfm", 10, 1);
    Path config = Files.writeString(dir.resolve("c.json"), "{\"trainer\": {\"batchsize\": 64}}");
    CommandRun unknownKey =
        prequential("finalmlp", "--file", file.toString(), "--config", config.toString());
    assertThat(unknownKey.exitCode()).isEqualTo(2);
    assertThat(unknownKey.err()).contains("unknown trainer setting 'batchsize'");

    CommandRun missing = prequential("finalmlp", "--file", dir.resolve("absent.libfm").toString());
    assertThat(missing.exitCode()).isEqualTo(2);
    assertThat(missing.err()).contains("no such file");

    CommandRun badModel = prequential("xgboost", "--file", file.toString());
    assertThat(badModel.exitCode()).isEqualTo(2);
    assertThat(badModel.err()).contains("unknown model 'xgboost'");
  }
}
