package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.memnet.bench.DriftBenchmark;
import org.ctrflow.models.training.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow bench drift}: recovery after scripted drifts, FinalMLP against the memory nets.
 */
@Command(
    name = "drift",
    mixinStandardHelpOptions = true,
    description = {
      "Test-then-train over one 'ctrflow generate' stream with scripted drifts: FinalMLP, the",
      "memory network without and with synthetic-gradient fast learning, and the hybrid.",
      "Prints AUC, log loss and recovery events per drift; writes an SVG of windowed log loss."
    })
final class DriftBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--count",
      defaultValue = "60000",
      description = "Events (default: ${DEFAULT-VALUE}).")
  int count;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Generator seed (default: ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--drift",
      defaultValue = "20000:flip-segment:category=1,40000:new-items:200",
      description = "Drift script as in 'ctrflow generate' (default: ${DEFAULT-VALUE}).")
  String drift;

  @Option(
      names = "--window",
      defaultValue = "3000",
      description = "Events in the windowed log loss (default: ${DEFAULT-VALUE}).")
  int window;

  @Option(
      names = "--batch",
      defaultValue = "256",
      description = "Micro-batch (default: ${DEFAULT-VALUE}).")
  int batch;

  @Option(
      names = "--lr",
      defaultValue = "0.003",
      description = "Learning rate of every model (default: ${DEFAULT-VALUE}).")
  float learningRate;

  @Option(
      names = "--plot",
      defaultValue = "drift.svg",
      description = "SVG file to write (default: ${DEFAULT-VALUE}).")
  Path plot;

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    GeneratorConfig generator =
        GeneratorConfig.builder().seed(seed).drift(DriftScript.parse(drift)).build();
    TrainerConfig trainer =
        TrainerConfig.builder()
            .batchSize(batch)
            .learningRates(learningRate)
            .rowOptimizer("adam")
            .replay(0, 1f)
            .seed(seed)
            .build();
    new DriftBenchmark(generator, count, window, trainer).run(DriftBenchmark.VARIANTS, out, plot);
    for (int examples : new int[] {64, 256}) {
      out.printf(
          "one fast update (memnet, %d examples): %.0f us%n",
          examples, DriftBenchmark.fastUpdateMicros(examples, 200));
    }
    return 0;
  }
}
