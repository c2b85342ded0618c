package org.ctrflow.launcher.models;

import java.util.List;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.TimeFormat;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;

/**
 * A dataset's feature schema, model hyper-parameters and trainer settings, offline (multi-epoch)
 * and online (one prequential pass). {@code --config} overrides any of them.
 */
public enum ModelPreset {
  /** BARS / FinalMLP's Frappe setup; online settings from docs/online-training.md. */
  FRAPPE(LibFmReader.FRAPPE_FIELDS) {
    @Override
    FeatureSchema schema() {
      return FeatureSchemas.frappe();
    }

    @Override
    CtrModelConfig model(String name, FeatureSchema schema) {
      return CtrModelConfig.frappe(name, schema.totalRows());
    }

    @Override
    TrainerConfig offline() {
      return TrainerConfig.builder().batchSize(4096).embeddingL2(0.05f).build();
    }

    /**
     * One pass has no epochs to overfit in, and dropout 0.4 slows learning from each example:
     * dropout 0.1 online (see docs/online-training.md for the measured effect).
     */
    @Override
    CtrModelConfig onlineModel(String name, FeatureSchema schema) {
      return withDropout(model(name, schema), 0.1f);
    }

    /**
     * Replay: each step adds 3 examples per fresh one from the last 200k (see
     * docs/online-training.md).
     */
    @Override
    TrainerConfig online() {
      return TrainerConfig.builder().batchSize(1024).embeddingL2(0f).replay(200_000, 3f).build();
    }
  },
  CRITEO(List.of()) {
    @Override
    FeatureSchema schema() {
      return FeatureSchemas.criteo();
    }
  },
  AVAZU(List.of()) {
    @Override
    FeatureSchema schema() {
      return FeatureSchemas.avazu();
    }
  },
  MOVIELENS(List.of()) {
    @Override
    FeatureSchema schema() {
      return FeatureSchemas.movielens();
    }

    /**
     * DeepCTR's MovieLens-1M join ({@code --format csv}): a rating of 4 or 5 stars is a positive,
     * the usual binarization of ML-1M for CTR; the rating's time is the event time.
     */
    @Override
    CsvOptions csvOptions() {
      return CsvOptions.defaults()
          .withLabelColumn("rating")
          .withLabelThreshold(4)
          .withTimeColumn("timestamp", TimeFormat.EPOCH);
    }
  };

  private final List<String> libFmFields;

  ModelPreset(List<String> libFmFields) {
    this.libFmFields = libFmFields;
  }

  abstract FeatureSchema schema();

  /** How the preset's files read with {@code --format csv}. */
  CsvOptions csvOptions() {
    return CsvOptions.defaults();
  }

  /** Field names of the preset's libFM files (empty: {@code f0, f1, ...}). */
  List<String> libFmFields() {
    return libFmFields;
  }

  /**
   * The model for this schema. Hashed datasets take {@link CtrModelConfig#criteoSized}'s
   * hyper-parameters, sized to the schema's table and fields, gated by its gate contexts.
   */
  CtrModelConfig model(String name, FeatureSchema schema) {
    CtrModelConfig c = CtrModelConfig.criteoSized(name);
    return new CtrModelConfig(
        name,
        schema.totalRows(),
        schema.fieldCount(),
        c.embeddingDim(),
        c.mlp1Units(),
        c.mlp1Dropout(),
        c.mlp2Units(),
        c.mlp2Dropout(),
        c.batchNorm(),
        c.gateHiddenUnits(),
        contextFields(schema, 0),
        contextFields(schema, 1),
        c.heads(),
        c.embeddingL2());
  }

  /** The model for a one-pass prequential run; {@link #model} unless a preset tunes it. */
  CtrModelConfig onlineModel(String name, FeatureSchema schema) {
    return model(name, schema);
  }

  static CtrModelConfig withDropout(CtrModelConfig c, float dropout) {
    return new CtrModelConfig(
        c.model(),
        c.numRows(),
        c.numFields(),
        c.embeddingDim(),
        c.mlp1Units(),
        dropout,
        c.mlp2Units(),
        dropout,
        c.batchNorm(),
        c.gateHiddenUnits(),
        c.gate1ContextFields(),
        c.gate2ContextFields(),
        c.heads(),
        c.embeddingL2());
  }

  TrainerConfig offline() {
    return TrainerConfig.builder().batchSize(4096).embeddingL2(1e-5f).build();
  }

  TrainerConfig online() {
    return TrainerConfig.builder().batchSize(1024).embeddingL2(0f).build();
  }

  private static List<Integer> contextFields(FeatureSchema schema, int gate) {
    if (schema.gateContexts().size() <= gate) {
      return List.of();
    }
    return java.util.Arrays.stream(schema.gateContextIndices(gate)).boxed().toList();
  }
}
