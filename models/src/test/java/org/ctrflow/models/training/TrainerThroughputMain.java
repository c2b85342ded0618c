package org.ctrflow.models.training;

import java.util.Random;
import org.ctrflow.models.blocks.CtrModelConfig;

/**
 * Prints {@link OnlineTrainer} training and test-then-train samples/s on random rows (throughput
 * does not depend on the values) and the process RSS, to check it stays flat. Not a test: timings
 * vary by machine. Arguments: {@code frappe|criteo}, batch size, timed steps, model (finalmlp).
 */
public final class TrainerThroughputMain {

  private TrainerThroughputMain() {}

  public static void main(String[] args) throws Exception {
    String preset = args.length > 0 ? args[0] : "frappe";
    int batch = args.length > 1 ? Integer.parseInt(args[1]) : 1024;
    int steps = args.length > 2 ? Integer.parseInt(args[2]) : 200;
    String model = args.length > 3 ? args[3] : "finalmlp";
    CtrModelConfig config =
        preset.equals("criteo")
            ? CtrModelConfig.criteoSized(model)
            : CtrModelConfig.frappe(model, 5392);
    Random random = new Random(1);
    long[][] rows = new long[8][batch * config.numFields()];
    float[][] labels = new float[8][batch];
    for (int b = 0; b < 8; b++) {
      for (int i = 0; i < rows[b].length; i++) {
        rows[b][i] = random.nextInt((int) config.numRows());
      }
      for (int i = 0; i < batch; i++) {
        labels[b][i] = random.nextInt(3) == 0 ? 1f : 0f;
      }
    }
    try (OnlineTrainer t =
        new OnlineTrainer(config, TrainerConfig.builder().batchSize(batch).build())) {
      for (int s = 0; s < 20; s++) {
        t.train(rows[s % 8], batch, labels[s % 8], null);
      }
      for (int round = 0; round < 3; round++) {
        long start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          t.train(rows[s % 8], batch, labels[s % 8], null);
        }
        double train = (double) steps * batch / ((System.nanoTime() - start) / 1e9);
        start = System.nanoTime();
        for (int s = 0; s < steps; s++) {
          t.scoreThenTrain(rows[s % 8], batch, labels[s % 8], null);
        }
        double prequential = (double) steps * batch / ((System.nanoTime() - start) / 1e9);
        System.out.printf(
            "%s %s batch %d: train %.0f samples/s, score-then-train %.0f samples/s, RSS %d MB%n",
            preset, model, batch, train, prequential, rssMegabytes());
      }
    }
  }

  private static long rssMegabytes() throws java.io.IOException {
    for (String line :
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
      }
    }
    return -1;
  }
}
