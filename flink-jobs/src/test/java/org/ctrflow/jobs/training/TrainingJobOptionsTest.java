package org.ctrflow.jobs.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import org.apache.flink.configuration.Configuration;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.snapshot.PublisherState;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobOptionsTest {

  @TempDir Path dir;

  @Test
  void optionsBecomeASetup() throws Exception {
    Path trainer = Files.writeString(dir.resolve("t.json"), "{\"batchSize\": 256}");
    Configuration config =
        TrainingJobOptions.parse(
            new String[] {
              "--bootstrap-servers", "127.0.0.1:9092",
              "--model-store", dir.toString(),
              "--models", "finalmlp, dnn",
              "--trainer-config", trainer.toString(),
              "--publish-interval", "30 s",
              "--snapshot-every", "4"
            });
    TrainingSetup setup = TrainingJobOptions.setup(config);
    assertThat(setup.modelNames()).containsExactly("finalmlp", "dnn");
    assertThat(setup.models()).allSatisfy(m -> assertThat(m.numFields()).isEqualTo(10));
    assertThat(setup.trainer().batchSize()).isEqualTo(256);
    assertThat(setup.publishIntervalMillis()).isEqualTo(30_000);
    assertThat(setup.publishEveryExamples()).isEqualTo(50_000);
    assertThat(setup.snapshotEvery()).isEqualTo(4);
    assertThat(setup.schema().name()).isEqualTo("frappe");
  }

  @Test
  void badOptionsSayWhatIsValid() {
    assertThatThrownBy(() -> TrainingJobOptions.parse(new String[] {"--bootstrap", "x"}))
        .hasMessageContaining("unknown option '--bootstrap'")
        .hasMessageContaining("--bootstrap-servers");
    assertThatThrownBy(() -> TrainingJobOptions.parse(new String[] {"--bootstrap-servers", "h:1"}))
        .hasMessageContaining("--model-store is required, e.g. --model-store");
    Configuration criteo =
        TrainingJobOptions.parse(
            new String[] {
              "--bootstrap-servers", "h:1", "--model-store", "/m", "--schema", "criteo"
            });
    // Without --model-config the model follows the schema: Criteo's 2^20 rows take the
    // Criteo-sized configuration, fitted to its 39 fields.
    CtrModelConfig sized = TrainingJobOptions.setup(criteo).models().get(0);
    assertThat(sized.numRows()).isEqualTo(1 << 20);
    assertThat(sized.numFields()).isEqualTo(39);
    assertThat(sized.mlp1Units()).isEqualTo(CtrModelConfig.criteoSized("finalmlp").mlp1Units());
    Configuration twice =
        TrainingJobOptions.parse(
            new String[] {
              "--bootstrap-servers", "h:1", "--model-store", "/m", "--models", "dnn,dnn"
            });
    assertThatThrownBy(() -> TrainingJobOptions.setup(twice))
        .hasMessageContaining("models: 'dnn' is listed twice");
    Configuration unknownSchema =
        TrainingJobOptions.parse(
            new String[] {"--bootstrap-servers", "h:1", "--model-store", "/m", "--schema", "nope"});
    assertThatThrownBy(() -> TrainingJobOptions.setup(unknownSchema))
        .hasMessageContaining("--schema must be frappe, criteo, avazu, movielens or a schema JSON");
  }

  @Test
  void checkpointEntriesRoundTripAndRejectUnknownVersions() {
    ModelCheckpoint entry =
        new ModelCheckpoint("dnn", 10, 8, new PublisherState(3, 1, false), new byte[] {1, 2, 3});
    byte[] bytes = entry.toBytes();
    ModelCheckpoint back = ModelCheckpoint.fromBytes(bytes);
    assertThat(back.modelName()).isEqualTo("dnn");
    assertThat(back.examplesTrained()).isEqualTo(10);
    assertThat(back.examplesAtLastPublish()).isEqualTo(8);
    assertThat(back.publisher()).isEqualTo(new PublisherState(3, 1, false));
    assertThat(back.trainerState()).containsExactly(1, 2, 3);

    bytes[7] = 9; // format version 9
    assertThatThrownBy(() -> ModelCheckpoint.fromBytes(bytes))
        .hasMessageContaining("format version 9; this job reads version 1 only");
    assertThatThrownBy(() -> ModelCheckpoint.fromBytes(new byte[] {1, 2, 3, 4, 0, 0, 0, 1}))
        .hasMessageContaining("not a trainer checkpoint entry");
    byte[] truncated = java.util.Arrays.copyOf(entry.toBytes(), entry.toBytes().length - 1);
    assertThatThrownBy(() -> ModelCheckpoint.fromBytes(truncated))
        .hasMessageContaining("announces 3 bytes of trainer state, has 2");
  }
}
