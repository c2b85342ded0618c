package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.Callable;
import org.ctrflow.launcher.DurationConverter;
import org.ctrflow.launcher.ExtraCommand;
import org.ctrflow.launcher.labelqueue.QueueBenchCommand;
import org.ctrflow.launcher.serve.BenchServeCommand;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow bench model}: training, test-then-train and inference samples/s of the online
 * trainer at several batch sizes, with the process RSS after each, as a table. Random rows: the
 * speed of a step does not depend on the values. Timings are this machine's; they are printed,
 * never asserted.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    description =
        "Benchmarks; see 'ctrflow bench model --help', 'ctrflow bench drift --help',"
            + " 'ctrflow bench adapt --help',"
            + " 'ctrflow bench serve --help' and 'ctrflow bench queue --help'.",
    subcommands = {
      BenchCommand.Model.class,
      org.ctrflow.launcher.pipeline.PipelineBenchCommand.class,
      DriftBenchCommand.class,
      AdaptBenchCommand.class,
      BenchServeCommand.class,
      QueueBenchCommand.class
    })
public final class BenchCommand implements ExtraCommand {

  @Command(
      name = "model",
      mixinStandardHelpOptions = true,
      description =
          "Training and inference samples/s of the online trainer per batch size, and the RSS.")
  static final class Model implements Callable<Integer> {

    /** Model sizes to benchmark. */
    enum Size {
      /** The paper's Frappe config (5,392 rows, d = 10). */
      FRAPPE,
      /** 39 fields, 2^20 rows, d = 16, MLP1 [400, 400, 400], MLP2 [800]. */
      CRITEO
    }

    @Spec picocli.CommandLine.Model.CommandSpec spec;

    @Option(names = "--size", description = "frappe or criteo (default: ${DEFAULT-VALUE}).")
    Size size = Size.FRAPPE;

    @Option(
        names = "--schema",
        description =
            "A feature schema JSON file: benchmark the model sized for it (as prequential"
                + " --schema trains it) instead of --size.")
    Path schemaFile;

    @Option(
        names = "--model",
        description = "finalmlp, dualmlp, dnn, memnet or hybrid (default: ${DEFAULT-VALUE}).")
    String model = "finalmlp";

    @Option(
        names = "--batch",
        split = ",",
        description = "Batch sizes (default: ${DEFAULT-VALUE}).")
    List<Integer> batches = List.of(256, 1024, 4096);

    @Option(
        names = "--duration",
        defaultValue = "10s",
        converter = DurationConverter.class,
        description = "How long to time each measurement (default: ${DEFAULT-VALUE}).")
    Duration duration;

    @Option(
        names = "--report-every",
        defaultValue = "0s",
        converter = DurationConverter.class,
        description =
            "Time between progress lines (elapsed, samples/s of the interval, RSS and peak RSS)"
                + " during each measurement, e.g. 1min with --duration 10min to watch memory over"
                + " a 10-minute run; 0s prints none (default: ${DEFAULT-VALUE}).")
    Duration reportEvery;

    @Option(
        names = "--config",
        description = {
          "JSON {\"model\": {...}, \"trainer\": {...}} over the size's model and the trainer's",
          "online defaults, as for 'prequential --config'; --batch sets the batch size."
        })
    Path config;

    @Option(
        names = "--train-only",
        description = "Time training only; the score+train and predict columns print '-'.")
    boolean trainOnly;

    @Override
    public Integer call() throws IOException {
      for (int batch : batches) {
        if (batch < 1) {
          throw new picocli.CommandLine.ParameterException(
              spec.commandLine(), "--batch sizes must be >= 1, e.g. 256,1024; was " + batch);
        }
      }
      PrintWriter out = spec.commandLine().getOut();
      if (schemaFile != null && spec.commandLine().getParseResult().hasMatchedOption("--size")) {
        throw new picocli.CommandLine.ParameterException(
            spec.commandLine(), "give --size or --schema, not both");
      }
      ModelSetup setup;
      try {
        setup =
            schemaFile != null
                ? SchemaSetup.resolve(SchemaSetup.read(schemaFile), model, true, config)
                : new ModelSetup(
                        null,
                        size == Size.CRITEO
                            ? CtrModels.online(CtrModelConfig.criteoSized(model))
                            : CtrModels.frappeOnline(model, 5_392),
                        TrainerConfig.builder().build())
                    .overridden(config);
      } catch (IllegalArgumentException e) {
        throw new picocli.CommandLine.ParameterException(spec.commandLine(), e.getMessage(), e);
      }
      CtrModelConfig modelConfig = setup.model();
      spec.commandLine()
          .getErr()
          .printf("bench model: model %s%ntrainer %s%n", modelConfig.toJson(), setup.trainer());
      String sizeName =
          schemaFile != null
              ? setup.schema().name()
              : size.name().toLowerCase(java.util.Locale.ROOT);
      out.printf(
          "%-7s %-9s %6s %14s %16s %14s %8s%n",
          "size", "model", "batch", "train/s", "score+train/s", "predict/s", "RSS MB");
      for (int batch : batches) {
        Inputs inputs = new Inputs(modelConfig, batch);
        try (OnlineTrainer trainer =
            new OnlineTrainer(modelConfig, setup.trainer().toBuilder().batchSize(batch).build())) {
          double train =
              rate(
                  out,
                  "train",
                  batch,
                  s -> trainer.train(inputs.rows(s), batch, inputs.labels(s), null));
          double prequential =
              trainOnly
                  ? Double.NaN
                  : rate(
                      out,
                      "score+train",
                      batch,
                      s -> trainer.scoreThenTrain(inputs.rows(s), batch, inputs.labels(s), null));
          double predict =
              trainOnly
                  ? Double.NaN
                  : rate(out, "predict", batch, s -> trainer.predict(inputs.rows(s), batch));
          out.printf(
              "%-7s %-9s %6d %14s %16s %14s %8d%n",
              sizeName,
              model,
              batch,
              perSecond(train),
              perSecond(prequential),
              perSecond(predict),
              memoryMegabytes("VmRSS:"));
          out.flush();
        }
      }
      return 0;
    }

    /**
     * Samples/s of {@code step} after a warm-up, over about {@link #duration}; with {@link
     * #reportEvery}, a progress line per interval.
     */
    private double rate(
        PrintWriter out, String what, int batch, java.util.function.IntConsumer step)
        throws IOException {
      for (int s = 0; s < 10; s++) {
        step.accept(s);
      }
      long start = System.nanoTime();
      long budget = duration.toNanos();
      long interval = reportEvery.toNanos();
      long nextReport = start + interval;
      long intervalStart = start;
      int intervalSteps = 0;
      int steps = 0;
      while (System.nanoTime() - start < budget) {
        step.accept(steps++);
        intervalSteps++;
        long now = System.nanoTime();
        if (interval > 0 && now >= nextReport) {
          out.printf(
              "  %-11s batch %5d  %6.0f s  %,10.0f samples/s  RSS %5d MB  peak %5d MB%n",
              what,
              batch,
              (now - start) / 1e9,
              intervalSteps * (double) batch / ((now - intervalStart) / 1e9),
              memoryMegabytes("VmRSS:"),
              memoryMegabytes("VmHWM:"));
          out.flush();
          nextReport += interval;
          intervalStart = now;
          intervalSteps = 0;
        }
      }
      return (double) steps * batch / ((System.nanoTime() - start) / 1e9);
    }

    private static String perSecond(double rate) {
      return Double.isNaN(rate) ? "-" : String.format("%,.0f", rate);
    }

    /** A memory line of /proc/self/status (VmRSS: resident now, VmHWM: peak resident) in MB. */
    private static long memoryMegabytes(String key) throws IOException {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) / 1024;
        }
      }
      return -1;
    }
  }

  /** A few pre-drawn batches, cycled, so drawing random rows is not what gets timed. */
  private record Inputs(long[][] rowBatches, float[][] labelBatches) {

    Inputs(CtrModelConfig config, int batch) {
      this(new long[4][batch * config.numFields()], new float[4][batch]);
      Random random = new Random(1);
      for (int b = 0; b < rowBatches.length; b++) {
        for (int i = 0; i < rowBatches[b].length; i++) {
          rowBatches[b][i] = random.nextInt((int) config.numRows());
        }
        for (int i = 0; i < batch; i++) {
          labelBatches[b][i] = random.nextInt(3) == 0 ? 1f : 0f;
        }
      }
    }

    long[] rows(int step) {
      return rowBatches[step % rowBatches.length];
    }

    float[] labels(int step) {
      return labelBatches[step % labelBatches.length];
    }
  }
}
