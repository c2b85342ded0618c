package org.ctrflow.memnet.bench;

import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.generator.DriftStep;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.memnet.MemoryAugmentedBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;

/**
 * {@code ctrflow bench drift}: one generated stream with scripted drifts, learned test-then-train
 * by FinalMLP, the memory network without and with synthetic-gradient fast learning, and the
 * hybrid; prints prequential AUC and log loss, recovery events after each drift, and writes an SVG
 * of the windowed log loss. Every run sees the same events in the same order with the same seed.
 *
 * <p>The models are small (the generator has 6 fields): embedding 8, MLP1 [64], MLP2 [32], gate
 * [64] over user / item, 2 heads, no dropout, no batch norm; memory 32 slots of width 32, as the
 * defaults of {@link org.ctrflow.memnet.MemnetOptions}.
 */
public final class DriftBenchmark {

  /** One compared model. */
  public record Variant(String label, String model, Map<String, String> options) {}

  /** FinalMLP as the baseline, memnet slow only, memnet with fast learning, the hybrid. */
  public static final List<Variant> VARIANTS =
      List.of(
          new Variant("finalmlp", "finalmlp", Map.of()),
          new Variant("memnet-slow", "memnet", Map.of("fast.enabled", "false")),
          new Variant("memnet-fast", "memnet", Map.of("fast.enabled", "true")),
          new Variant("hybrid-fast", "hybrid", Map.of("fast.enabled", "true")));

  private final GeneratorConfig generator;
  private final int count;
  private final int window;
  private final TrainerConfig trainer;

  public DriftBenchmark(GeneratorConfig generator, int count, int window, TrainerConfig trainer) {
    if (count < 2 * window) {
      throw new IllegalArgumentException(
          "--count must be at least twice --window, e.g. 60000 and 5000; was " + count);
    }
    this.generator = generator;
    this.count = count;
    this.window = window;
    this.trainer = trainer;
  }

  static CtrModelConfig model(Variant variant, long rows, int fields) {
    return CtrModelConfig.builder()
        .setModel(variant.model())
        .setNumRows(rows)
        .setNumFields(fields)
        .setEmbeddingDim(8)
        .optMlp1Units(List.of(64))
        .optMlp2Units(List.of(32))
        .optGateHiddenUnits(List.of(64))
        .optGate1ContextFields(List.of(0))
        .optGate2ContextFields(List.of(1))
        .optHeads(2)
        .optOptions(variant.options())
        .build();
  }

  /** Runs every variant, prints the table to {@code out}, writes the plot to {@code svg}. */
  public void run(List<Variant> variants, PrintWriter out, Path svg) throws IOException {
    DriftStream stream = DriftStream.generate(generator, count);
    List<Long> drifts =
        generator.drift().steps().stream()
            .map(DriftStep::atEvent)
            .filter(t -> t < count)
            .distinct() // steps at one event are one drift
            .toList();
    out.printf(
        "stream: %,d events, %d fields, %,d rows, CTR %.4f, drifts at %s, window %,d, batch %d%n",
        count,
        stream.fields(),
        stream.numRows(),
        mean(stream.labels()),
        drifts,
        window,
        trainer.batchSize());
    StringBuilder header =
        new StringBuilder(String.format("%-12s %8s %8s", "model", "AUC", "logloss"));
    for (long d : drifts) {
      header.append(String.format(" %16s", "recovery@" + d));
    }
    out.println(header.append(String.format(" %10s", "events/s")));
    List<SvgPlot.Line> lines = new ArrayList<>();
    for (Variant variant : variants) {
      long start = System.nanoTime();
      double[] scores = prequential(variant, stream);
      double seconds = (System.nanoTime() - start) / 1e9;
      double[] losses = DriftMetrics.losses(scores, stream.labels());
      double[] windowed = DriftMetrics.windowed(losses, window);
      StringBuilder row =
          new StringBuilder(
              String.format(
                  "%-12s %8.4f %8.4f",
                  variant.label(),
                  DriftMetrics.auc(scores, stream.labels()),
                  Arrays.stream(losses).average().orElseThrow()));
      for (int d = 0; d < drifts.size(); d++) {
        int end = d + 1 < drifts.size() ? drifts.get(d + 1).intValue() : count;
        long r = DriftMetrics.recovery(windowed, drifts.get(d).intValue(), end);
        row.append(String.format(" %16s", r < 0 ? "not by " + (end - drifts.get(d)) : r));
      }
      out.println(row.append(String.format(" %,10.0f", count / seconds)));
      out.flush();
      lines.add(new SvgPlot.Line(variant.label(), windowed));
    }
    Files.writeString(
        svg, SvgPlot.render("windowed log loss (" + window + " events)", lines, drifts));
    out.println("plot: " + svg);
  }

  private double[] prequential(Variant variant, DriftStream stream) {
    int batch = trainer.batchSize();
    int fields = stream.fields();
    double[] scores = new double[stream.count()];
    try (OnlineTrainer t = new OnlineTrainer(model(variant, stream.numRows(), fields), trainer)) {
      for (int from = 0; from < stream.count(); from += batch) {
        int size = Math.min(batch, stream.count() - from);
        long[] rows = Arrays.copyOfRange(stream.rows(), from * fields, (from + size) * fields);
        float[] labels = Arrays.copyOfRange(stream.labels(), from, from + size);
        double[] s = t.scoreThenTrain(rows, size, labels, null);
        System.arraycopy(s, 0, scores, from, size);
      }
    }
    return scores;
  }

  /**
   * Microseconds per fast update of {@code examples} examples on the memory network, after a
   * warm-up (the trainer has taken no slow step, so S_φ predicts zero; the cost is the same).
   */
  public static double fastUpdateMicros(int examples, int repeats) {
    Variant variant = VARIANTS.get(2);
    int fields = 6;
    try (OnlineTrainer t =
            new OnlineTrainer(model(variant, 1000, fields), TrainerConfig.builder().build());
        NDManager manager = NDManager.newBaseManager()) {
      MemoryAugmentedBlock block = (MemoryAugmentedBlock) t.block();
      long[] rows = new long[examples * fields];
      for (int i = 0; i < rows.length; i++) {
        rows[i] = (i * 7919L) % 1000;
      }
      float[] labels = new float[examples];
      labels[0] = 1f;
      long start = 0;
      for (int i = 0; i < repeats + 20; i++) {
        if (i == 20) {
          start = System.nanoTime();
        }
        try (NDManager step = manager.newSubManager()) {
          block.fastUpdate(
              step.create(rows, new Shape(examples, fields)),
              step.create(labels, new Shape(examples, 1)));
        }
      }
      return (System.nanoTime() - start) / 1e3 / repeats;
    }
  }

  private static double mean(float[] values) {
    double sum = 0;
    for (float v : values) {
      sum += v;
    }
    return sum / values.length;
  }
}
