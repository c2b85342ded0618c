package org.ctrflow.models.snapshot;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.ctrflow.models.snapshot.SnapshotFixtures.FRAPPE;

import java.net.URI;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.models.training.OnlineTrainer;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(60)
class ModelPublisherTest {

  private final Random random = new Random(7);
  private final List<FeatureRow> rows = randomRows(32);

  @TempDir Path dir;

  @Test
  void snapshotsThenDeltasThatAServableFollowsExactly() throws Exception {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    try (OnlineTrainer trainer = trainer()) {
      ModelPublisher publisher =
          new ModelPublisher("finalmlp", FRAPPE, store, 3, PublisherState.INITIAL);
      List<List<ModelUpdate>> published = new ArrayList<>();
      List<double[]> predictions = new ArrayList<>();
      for (int v = 1; v <= 4; v++) {
        trainOn(trainer, 64);
        published.add(publisher.publish(trainer, 1000L + v));
        predictions.add(trainer.predict(encode(rows), rows.size()));
      }
      assertThat(published)
          .extracting(u -> u.get(0).kind())
          .containsExactly(
              ModelUpdate.Kind.SNAPSHOT,
              ModelUpdate.Kind.DELTA,
              ModelUpdate.Kind.DELTA,
              ModelUpdate.Kind.SNAPSHOT);
      assertThat(published).extracting(u -> u.get(0).version()).containsExactly(1L, 2L, 3L, 4L);
      assertThat(published.get(1).get(0).baseVersion()).isEqualTo(1);
      assertThat(publisher.state()).isEqualTo(new PublisherState(4, 0, false));

      ModelUpdate first = published.get(0).get(0);
      Servable v1 = Servable.load(store.get(URI.create(first.location())));
      assertThat(first.sha256())
          .isEqualTo(Framing.sha256Hex(store.get(URI.create(first.location()))));
      try (Servable v2 = v1.applyDelta(DeltaChunks.assemble(published.get(1)));
          Servable v3 = v2.applyDelta(DeltaChunks.assemble(published.get(2)));
          Servable v4 = Servable.load(store.get(URI.create(published.get(3).get(0).location())))) {
        v1.close();
        assertThat(v3.info().version()).isEqualTo(3);
        // The snapshot-delta-delta chain scores as the trainer did at v3 only if every touched
        // row travelled; v4, trained further, scores differently.
        assertScores(v3, predictions.get(2));
        assertScores(v4, predictions.get(3));
        assertThat(v3.score(rows).probabilities()).isNotEqualTo(v4.score(rows).probabilities());
      }
    }
  }

  @Test
  void resumeContinuesAboveTheStoresVersionsWithASnapshot() throws Exception {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    try (OnlineTrainer trainer = trainer()) {
      ModelPublisher before = new ModelPublisher("dnn", FRAPPE, store, 10, PublisherState.INITIAL);
      trainOn(trainer, 16);
      before.publish(trainer, 1);
      PublisherState checkpointed = before.state();
      trainOn(trainer, 16);
      before.publish(trainer, 2); // delta v2: lost with the failure, never in the store
      before.publish(trainer, 3); // delta v3
      // v4 forced as a snapshot by a second writer stands for one written after the checkpoint.
      store.put("dnn", 4, ModelSnapshot.write(new ModelInfo("dnn", 4, 4), FRAPPE, trainer.block()));

      PublisherState resumed = ModelPublisher.resume(checkpointed, store, "dnn");
      assertThat(resumed).isEqualTo(new PublisherState(4, 0, true));
      ModelPublisher after = new ModelPublisher("dnn", FRAPPE, store, 10, resumed);
      List<ModelUpdate> next = after.publish(trainer, 5);
      assertThat(next)
          .singleElement()
          .satisfies(
              u -> {
                assertThat(u.kind()).isEqualTo(ModelUpdate.Kind.SNAPSHOT);
                assertThat(u.version()).isEqualTo(5);
              });
      // Nothing newer in the store: the checkpointed state stands as it is.
      assertThat(ModelPublisher.resume(after.state(), store, "dnn")).isEqualTo(after.state());
      assertThat(ModelPublisher.resume(PublisherState.INITIAL, store, "other"))
          .isEqualTo(PublisherState.INITIAL);
    }
  }

  @Test
  void aVersionAlreadyStoredIsNeverOverwritten() throws Exception {
    DirectoryModelStore store = new DirectoryModelStore(dir);
    try (OnlineTrainer trainer = trainer()) {
      store.put("dnn", 1, ModelSnapshot.write(new ModelInfo("dnn", 1, 1), FRAPPE, trainer.block()));
      ModelPublisher publisher =
          new ModelPublisher("dnn", FRAPPE, store, 10, PublisherState.INITIAL);
      assertThatThrownBy(() -> publisher.publish(trainer, 2))
          .isInstanceOf(FileAlreadyExistsException.class);
      assertThatThrownBy(() -> new ModelPublisher("dnn", FRAPPE, store, 0, PublisherState.INITIAL))
          .hasMessageContaining("snapshotEvery must be >= 1");
    }
  }

  private void assertScores(Servable servable, double[] expected) {
    double[] served = servable.score(rows).probabilities();
    for (int i = 0; i < expected.length; i++) {
      assertThat(served[i]).isCloseTo(expected[i], within(1e-6));
    }
  }

  private OnlineTrainer trainer() {
    return new OnlineTrainer(
        SnapshotFixtures.small("finalmlp", FRAPPE.totalRows(), 4),
        TrainerConfig.builder().batchSize(16).learningRates(1e-2f).build());
  }

  private void trainOn(OnlineTrainer trainer, int n) {
    List<FeatureRow> batch = randomRows(n);
    float[] labels = new float[n];
    for (int i = 0; i < n; i++) {
      labels[i] = random.nextInt(2);
    }
    trainer.scoreThenTrain(encode(batch), n, labels, null);
  }

  private static long[] encode(List<FeatureRow> batch) {
    long[] out = new long[batch.size() * FRAPPE.fieldCount()];
    for (int i = 0; i < batch.size(); i++) {
      int[] r = FRAPPE.encoder().encode(batch.get(i).categorical(), batch.get(i).numeric());
      for (int f = 0; f < r.length; f++) {
        out[i * r.length + f] = r[f];
      }
    }
    return out;
  }

  private List<FeatureRow> randomRows(int n) {
    List<FeatureRow> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Map<String, String> features = new HashMap<>();
      for (String field : LibFmReader.FRAPPE_FIELDS) {
        features.put(field, Integer.toString(random.nextInt(5382)));
      }
      out.add(new FeatureRow(features, Map.of()));
    }
    return out;
  }
}
