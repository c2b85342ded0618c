package org.ctrflow.launcher.models;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.models.metrics.MetricsSnapshot;
import org.ctrflow.models.metrics.ModelMetrics;
import org.ctrflow.models.training.OnlineTrainer;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * The evaluation commands' frame: options, exit codes (0 done, 1 failed while running, 2 bad usage,
 * configuration or input file), progress lines, the result table and predictions output.
 */
abstract class ModelCommand implements Callable<Integer> {

  /** Rows per inference call when scoring a whole file. */
  static final int SCORE_BATCH = 8192;

  @Spec CommandSpec spec;
  @Mixin DatasetOptions options;

  private long startNanos;
  private long lastProgressNanos;

  /** Runs the command; an IllegalArgumentException is a usage or input error (exit 2). */
  abstract void run(PrintWriter out, PrintWriter err) throws IOException;

  @Override
  public Integer call() {
    PrintWriter err = spec.commandLine().getErr();
    startNanos = System.nanoTime();
    lastProgressNanos = startNanos;
    try {
      run(spec.commandLine().getOut(), err);
      return 0;
    } catch (IllegalArgumentException e) {
      err.println(spec.name() + ": " + e.getMessage());
      return 2;
    } catch (IOException | UncheckedIOException | IllegalStateException e) {
      err.println(spec.name() + " failed: " + e.getMessage());
      return 1;
    } finally {
      err.flush();
    }
  }

  double elapsedSeconds() {
    return (System.nanoTime() - startNanos) / 1e9;
  }

  /** A progress line on stderr every {@code --progress-every}: examples, rate, metrics. */
  void progress(PrintWriter err, String phase, long examples, ModelMetrics metrics) {
    long now = System.nanoTime();
    if (now - lastProgressNanos < options.progressEvery.toNanos()) {
      return;
    }
    lastProgressNanos = now;
    MetricsSnapshot.Scope all = metrics.snapshot().overall();
    err.printf(
        Locale.ROOT,
        "%s: %,d examples, %,.0f examples/s, running AUC %.4f, logloss %.4f%n",
        phase,
        examples,
        examples / elapsedSeconds(),
        all.auc(),
        all.logLoss());
    err.flush();
  }

  /** Scores every row of {@code data} in inference mode into {@code metrics} and {@code out}. */
  static void score(
      OnlineTrainer trainer,
      EncodedDataset data,
      ModelMetrics metrics,
      Predictions out /* nullable */)
      throws IOException {
    for (int from = 0; from < data.size(); from += SCORE_BATCH) {
      int n = Math.min(SCORE_BATCH, data.size() - from);
      double[] scores = trainer.predict(data.rows(from, n), n);
      float[] labels = data.labels(from, n);
      for (int i = 0; i < n; i++) {
        metrics.update(scores[i], (int) labels[i]);
      }
      if (out != null) {
        out.write(labels, scores, n);
      }
    }
  }

  static void printHeader(PrintWriter out) {
    out.printf(Locale.ROOT, "%-22s %12s %8s %8s %10s%n", "scope", "rows", "AUC", "logloss", "±AUC");
  }

  static void printRow(PrintWriter out, String scope, MetricsSnapshot.Scope s) {
    out.printf(
        Locale.ROOT,
        "%-22s %,12d %8.4f %8.4f %10.1e%n",
        scope,
        s.count(),
        s.auc(),
        s.logLoss(),
        s.aucErrorBound());
  }

  static void reportMalformed(PrintWriter err, DatasetReader reader) {
    if (reader.malformed().total() > 0) {
      err.println(
          reader.name()
              + ": skipped "
              + reader.malformed().total()
              + " malformed rows, first: "
              + reader.malformed().first().get(0));
    }
  }

  /** {@code --predictions-out}: one {@code label<TAB>score} line per scored row; no-op without. */
  final class Predictions implements AutoCloseable {
    private final BufferedWriter writer;

    Predictions() throws IOException {
      writer =
          options.predictionsOut == null
              ? null
              : Files.newBufferedWriter(options.predictionsOut, StandardCharsets.UTF_8);
    }

    void write(float[] labels, double[] scores, int n) throws IOException {
      if (writer == null) {
        return;
      }
      for (int i = 0; i < n; i++) {
        writer.write((int) labels[i] + "\t" + (float) scores[i] + "\n");
      }
    }

    @Override
    public void close() throws IOException {
      if (writer != null) {
        writer.close();
      }
    }
  }
}
