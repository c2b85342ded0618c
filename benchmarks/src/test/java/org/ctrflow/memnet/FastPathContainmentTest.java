package org.ctrflow.memnet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.memnet.bench.DriftMetrics;
import org.ctrflow.memnet.bench.DriftStream;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Fast steps that are large, unbounded and permanent, on a query of free scale, as the first fast
 * path took them, drive the prequential log loss far above the network's without fast learning; the
 * remedies (q normalised, steps bounded relative to its scale, fast weights that fade after each
 * slow step) keep it close.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class FastPathContainmentTest {

  private static final int EVENTS = 16_000;

  @Test
  void boundedFadingStepsStayContainedWhereUnboundedPermanentOnesDiverge() {
    DriftStream stream =
        DriftStream.generate(
            GeneratorConfig.builder()
                .seed(1)
                .drift(DriftScript.parse("8000:flip-segment:category=1"))
                .build(),
            EVENTS);
    double off = logLoss(stream, Map.of("fast.enabled", "false", "controller.norm", "true"));
    double unbounded =
        logLoss(
            stream,
            Map.of(
                "fast.enabled", "true",
                "controller.norm", "false",
                "fast.lr", "1",
                "fast.bound", "1000000",
                "fast.decay", "1"));
    double contained = logLoss(stream, Map.of("fast.enabled", "true", "controller.norm", "true"));
    System.out.printf(
        "prequential log loss: fast off %.4f, unbounded %.4f, contained %.4f%n",
        off, unbounded, contained);
    assertThat(unbounded).as("unbounded, permanent fast steps").isGreaterThan(1.3 * off);
    assertThat(contained).as("the fast path's defaults").isLessThan(1.05 * off);
  }

  private static double logLoss(DriftStream stream, Map<String, String> fast) {
    Map<String, String> options = new HashMap<>(fast);
    CtrModelConfig config =
        CtrModelConfig.builder()
            .setModel("memnet")
            .setNumRows(stream.numRows())
            .setNumFields(stream.fields())
            .setEmbeddingDim(8)
            .optMlp1Units(List.of(64))
            .optMlp2Units(List.of(32))
            .optGateHiddenUnits(List.of(64))
            .optGate1ContextFields(List.of(0))
            .optGate2ContextFields(List.of(1))
            .optHeads(2)
            .optOptions(options)
            .build();
    int batch = 256;
    int fields = stream.fields();
    double[] scores = new double[EVENTS];
    try (OnlineTrainer trainer =
        new OnlineTrainer(config, TrainerConfig.builder().batchSize(batch).seed(3).build())) {
      for (int from = 0; from < EVENTS; from += batch) {
        int n = Math.min(batch, EVENTS - from);
        double[] s =
            trainer.scoreThenTrain(
                Arrays.copyOfRange(stream.rows(), from * fields, (from + n) * fields),
                n,
                Arrays.copyOfRange(stream.labels(), from, from + n),
                null);
        System.arraycopy(s, 0, scores, from, n);
      }
    }
    return Arrays.stream(DriftMetrics.losses(scores, stream.labels())).average().orElseThrow();
  }
}
