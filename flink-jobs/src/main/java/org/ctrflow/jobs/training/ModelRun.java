package org.ctrflow.jobs.training;

import java.io.IOException;
import java.util.List;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.metrics.MetricsSnapshot;
import org.ctrflow.models.metrics.ModelMetrics;
import org.ctrflow.models.snapshot.ModelPublisher;
import org.ctrflow.models.snapshot.ModelStore;
import org.ctrflow.models.snapshot.PublisherState;
import org.ctrflow.models.training.MicroBatcher;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;

/**
 * One model inside the trainer operator: micro-batches its examples, scores each batch before
 * learning from it (prequential metrics), publishes versions and checkpoints itself. Flink-free, so
 * the operator only decides when; it owns native memory until {@link #close()}.
 *
 * <p>Batches flush on size, and when the operator calls {@link #flush()} (on its timer, before a
 * publication and before a checkpoint), never on a wall-clock wait inside: so at a checkpoint every
 * example that arrived before the barrier has been trained, and none is pending. Such a flush may
 * leave a single example, which batch norm cannot train on alone (PyTorch: "Expected more than 1
 * value per channel when training"): it trains paired with the previous example at weight 0, which
 * adds nothing to the loss and only shares the batch statistics.
 */
final class ModelRun implements AutoCloseable {

  private final String name;
  private final OnlineTrainer trainer;
  private final MicroBatcher batcher;
  private final ModelMetrics metrics;
  private final ModelPublisher publisher;
  private long examplesTrained;
  private long examplesAtLastPublish;
  private long examplesAtLastReport;
  private long lastReportMillis;
  private long lastPublishMillis;
  private long[] previousRows;

  /**
   * @param restored the model's checkpoint entry, or null for a fresh start
   * @param nowMillis the operator's processing time
   */
  ModelRun(
      CtrModelConfig model,
      TrainerConfig config,
      FeatureSchema schema,
      ModelStore store,
      int snapshotEvery,
      ModelCheckpoint restored,
      long nowMillis)
      throws IOException {
    name = model.model();
    trainer = new OnlineTrainer(model, config);
    try {
      PublisherState checkpointed = PublisherState.INITIAL;
      if (restored != null) {
        trainer.restoreState(restored.trainerState());
        examplesTrained = restored.examplesTrained();
        examplesAtLastPublish = restored.examplesAtLastPublish();
        checkpointed = restored.publisher();
      }
      // A fresh start resumes too: a restored checkpoint may hold no entry for this model (taken
      // before its first example came), or the store may hold an earlier run's versions.
      publisher =
          new ModelPublisher(
              name, schema, store, snapshotEvery, ModelPublisher.resume(checkpointed, store, name));
    } catch (IOException | RuntimeException e) {
      trainer.close();
      throw e;
    }
    metrics = new ModelMetrics(name);
    batcher = new MicroBatcher(model.numFields(), config.batchSize(), 0, this::train);
    examplesAtLastReport = examplesTrained;
    lastReportMillis = nowMillis;
    lastPublishMillis = nowMillis;
  }

  String name() {
    return name;
  }

  void add(int[] rows, int label, float weight) {
    batcher.add(rows, label, weight);
  }

  /** Trains the pending examples, if any. */
  void flush() {
    batcher.flush();
  }

  long examplesTrained() {
    return examplesTrained;
  }

  long examplesSincePublish() {
    return examplesTrained - examplesAtLastPublish;
  }

  long millisSincePublish(long nowMillis) {
    return nowMillis - lastPublishMillis;
  }

  long version() {
    return publisher.state().lastVersion();
  }

  /**
   * Trains what is pending and publishes the next version, unless nothing was learned since the
   * last one (the first version is always published).
   */
  List<ModelUpdate> publish(long nowMillis) throws IOException {
    flush();
    if (examplesSincePublish() == 0 && publisher.state().lastVersion() > 0) {
      return List.of();
    }
    List<ModelUpdate> updates = publisher.publish(trainer, nowMillis);
    examplesAtLastPublish = examplesTrained;
    lastPublishMillis = nowMillis;
    return updates;
  }

  /** Metrics now, with the throughput since the previous report. */
  /** The model's own learning figures (e.g. a memory network's fast path), by name. */
  java.util.Map<String, Double> diagnostics() {
    return trainer.diagnostics();
  }

  TrainingMetrics report(long nowMillis) {
    MetricsSnapshot m = metrics.snapshot();
    double seconds = (nowMillis - lastReportMillis) / 1000.0;
    double rate = seconds > 0 ? (examplesTrained - examplesAtLastReport) / seconds : 0.0;
    examplesAtLastReport = examplesTrained;
    lastReportMillis = nowMillis;
    return new TrainingMetrics(
        name,
        version(),
        examplesTrained,
        rate,
        scope(m.overall()),
        scope(m.window()),
        m.windowCapacity(),
        nowMillis);
  }

  /** Trains what is pending, then captures everything a restore needs. */
  ModelCheckpoint checkpoint() {
    flush();
    return new ModelCheckpoint(
        name, examplesTrained, examplesAtLastPublish, publisher.state(), trainer.saveState());
  }

  private void train(MicroBatcher.Batch batch) {
    PyTorchThreads.gradModeOff();
    int fields = batch.rows().length / batch.size();
    double[] scores;
    if (batch.size() == 1) {
      // The very first example, alone, pairs with itself (still at weight 0).
      long[] partner = previousRows != null ? previousRows : batch.rows();
      long[] rows = new long[2 * fields];
      System.arraycopy(partner, 0, rows, 0, fields);
      System.arraycopy(batch.rows(), 0, rows, fields, fields);
      float[] labels = {0f, batch.labels()[0]};
      float[] weights = {0f, batch.weights()[0]};
      scores = new double[] {trainer.scoreThenTrain(rows, 2, labels, weights)[1]};
    } else {
      scores = trainer.scoreThenTrain(batch.rows(), batch.size(), batch.labels(), batch.weights());
    }
    for (int i = 0; i < batch.size(); i++) {
      metrics.update(scores[i], (int) batch.labels()[i], batch.weights()[i]);
    }
    previousRows = new long[fields];
    System.arraycopy(batch.rows(), (batch.size() - 1) * fields, previousRows, 0, fields);
    examplesTrained += batch.size();
  }

  private static TrainingMetrics.Scope scope(MetricsSnapshot.Scope s) {
    return TrainingMetrics.Scope.ofNullableNaN(
        s.count(), s.positives(), s.auc(), s.logLoss(), s.calibration());
  }

  @Override
  public void close() {
    trainer.close();
  }
}
