package org.ctrflow.jobs.scoring;

import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.util.BitSet;
import java.util.List;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.models.blocks.CtrModelBlock;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.snapshot.DeltaChunks;
import org.ctrflow.models.snapshot.ModelDelta;
import org.ctrflow.models.snapshot.ModelInfo;
import org.ctrflow.models.snapshot.ModelSnapshot;
import org.ctrflow.models.snapshot.ModelStore;
import org.ctrflow.models.snapshot.SnapshotAnnouncements;

/**
 * A small FinalMLP over Frappe's fields whose versions the scoring tests publish: snapshot
 * announcements (stored in a real {@link ModelStore}) and delta chunks, as the trainer would.
 */
final class ScoringModels implements AutoCloseable {

  static final FeatureSchema FRAPPE = FeatureSchemas.frappe();

  private final NDManager manager = NDManager.newBaseManager();
  private final CtrModelBlock block;
  private final ModelStore store;
  private final String name;

  ScoringModels(ModelStore store) {
    this(store, "finalmlp");
  }

  /** A model published under {@code name}, e.g. a second committee member. */
  ScoringModels(ModelStore store, String name) {
    this.store = store;
    this.name = name;
    CtrModelConfig config =
        CtrModelConfig.builder()
            .setModel("finalmlp")
            .setNumRows(FRAPPE.totalRows())
            .setNumFields(FRAPPE.fieldCount())
            .setEmbeddingDim(4)
            .optMlp1Units(List.of(16))
            .optMlp1Dropout(0.1f)
            .optMlp2Units(List.of(8))
            .optMlp2Dropout(0.1f)
            .optBatchNorm(true)
            .optGateHiddenUnits(List.of(8))
            .optGate1ContextFields(List.of(0))
            .optGate2ContextFields(List.of(1))
            .optHeads(2)
            .build();
    block = CtrModels.createInitialized(config, manager);
  }

  /** Stores the current weights as {@code version} and returns the announcement. */
  ModelUpdate snapshot(long version) throws IOException {
    ModelInfo info = new ModelInfo(name, version, version);
    return SnapshotAnnouncements.publish(
        store, info, ModelSnapshot.write(info, FRAPPE, block), 1_000 + version);
  }

  /** Changes the dense weights and returns the delta {@code base -> version} as chunks. */
  List<ModelUpdate> delta(long base, long version) {
    block.getParameters().stream()
        .filter(p -> p.getKey().endsWith("weight"))
        .forEach(p -> p.getValue().getArray().muli(1.5f));
    ModelDelta delta =
        ModelDelta.capture(new ModelInfo(name, version, version), base, block, new BitSet());
    return DeltaChunks.split(delta, 1_000 + version);
  }

  @Override
  public void close() {
    manager.close();
  }
}
