package org.ctrflow.launcher.models;

import java.util.List;
import java.util.Map;
import org.ctrflow.connectors.replay.CsvOptions;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.connectors.replay.TimeFormat;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;

/**
 * A dataset's feature schema, model hyper-parameters and trainer settings, offline (multi-epoch)
 * and online (one prequential pass). {@code --config} overrides any of them.
 */
public enum ModelPreset {
  /** BARS / FinalMLP's Frappe setup offline; online, {@link CtrModels#frappeOnline}. */
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
      return paperTrainer().embeddingL2(0.05f).build();
    }

    @Override
    CtrModelConfig onlineModel(String name, FeatureSchema schema) {
      return CtrModels.frappeOnline(name, schema.totalRows());
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
      return CsvOptions.builder()
          .optLabelColumn("rating")
          .optLabelThreshold(4)
          .optTimeColumn("timestamp", TimeFormat.EPOCH)
          .build();
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
    return c.toBuilder()
        .setNumRows(schema.totalRows())
        .setNumFields(schema.fieldCount())
        .optGate1ContextFields(contextFields(schema, 0))
        .optGate2ContextFields(contextFields(schema, 1))
        .optOptions(Map.of())
        .build();
  }

  /** The model for a one-pass prequential run: {@link #model} with the online defaults. */
  CtrModelConfig onlineModel(String name, FeatureSchema schema) {
    return CtrModels.online(model(name, schema));
  }

  /** Multi-epoch training as the papers do it: Adam on every parameter, batch 4096. */
  TrainerConfig offline() {
    return paperTrainer().embeddingL2(1e-5f).build();
  }

  /** One pass: the trainer's online defaults ({@link TrainerConfig#builder()}). */
  TrainerConfig online() {
    return TrainerConfig.builder().build();
  }

  static TrainerConfig.Builder paperTrainer() {
    return TrainerConfig.builder()
        .batchSize(4096)
        .rowOptimizer("adam")
        .learningRates(1e-3f)
        .replay(0, 1f);
  }

  private static List<Integer> contextFields(FeatureSchema schema, int gate) {
    if (schema.gateContexts().size() <= gate) {
      return List.of();
    }
    return java.util.Arrays.stream(schema.gateContextIndices(gate)).boxed().toList();
  }
}
