package org.ctrflow.jobs.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.Serializable;
import java.util.HashSet;
import java.util.List;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemaCodec;
import org.ctrflow.models.training.TrainerConfig;

/**
 * What the training job trains and how it publishes, validated on construction. Travels inside the
 * job graph, so it holds the schema, model and trainer configurations as their JSON forms (the
 * models' own versioned codecs) rather than as DJL-side objects.
 *
 * @param schemaJson the feature schema every model reads ({@link FeatureSchemaCodec})
 * @param modelConfigsJson one {@link CtrModelConfig} per model, distinct model names
 * @param trainerConfigJson the {@link TrainerConfig} all models train with
 * @param publishEveryExamples publish a new version after this many examples trained, &gt;= 1
 * @param publishIntervalMillis or when this long has passed since the last version and there is
 *     something new, &gt;= 1
 * @param snapshotEvery every this many versions one is a full snapshot, &gt;= 1
 * @param tickMillis how often pending examples are trained and metrics are reported, &gt;= 1
 * @param modelStore the model store's directory (shared by the job and the servers)
 */
public record TrainingSetup(
    String schemaJson,
    List<String> modelConfigsJson,
    String trainerConfigJson,
    long publishEveryExamples,
    long publishIntervalMillis,
    int snapshotEvery,
    long tickMillis,
    String modelStore)
    implements Serializable {

  private static final ObjectMapper JSON = new ObjectMapper();

  public TrainingSetup {
    modelConfigsJson = List.copyOf(modelConfigsJson);
    if (modelConfigsJson.isEmpty()) {
      throw new IllegalArgumentException("models: at least one model is needed, e.g. finalmlp");
    }
    atLeastOne("publishEveryExamples", publishEveryExamples);
    atLeastOne("publishIntervalMillis", publishIntervalMillis);
    atLeastOne("snapshotEvery", snapshotEvery);
    atLeastOne("tickMillis", tickMillis);
    if (modelStore == null || modelStore.isBlank()) {
      throw new IllegalArgumentException("modelStore: a directory is needed, e.g. /data/models");
    }
    // Parse everything once here, so a bad setup fails at submission, not in a task.
    FeatureSchema schema = FeatureSchemaCodec.fromJson(schemaJson);
    var names = new HashSet<String>();
    for (String json : modelConfigsJson) {
      CtrModelConfig model = CtrModelConfig.fromJson(json);
      if (!names.add(model.model())) {
        throw new IllegalArgumentException("models: '" + model.model() + "' is listed twice");
      }
      if (model.numFields() != schema.fieldCount() || model.numRows() < schema.totalRows()) {
        throw new IllegalArgumentException(
            "models: "
                + model.model()
                + " has "
                + model.numFields()
                + " fields and "
                + model.numRows()
                + " rows; schema '"
                + schema.name()
                + "' needs "
                + schema.fieldCount()
                + " fields and at least "
                + schema.totalRows()
                + " rows");
      }
    }
    trainerConfig(trainerConfigJson);
  }

  /** A setup from the objects themselves. */
  public static TrainingSetup of(
      FeatureSchema schema,
      List<CtrModelConfig> models,
      TrainerConfig trainer,
      long publishEveryExamples,
      long publishIntervalMillis,
      int snapshotEvery,
      long tickMillis,
      String modelStore) {
    try {
      return new TrainingSetup(
          FeatureSchemaCodec.toJson(schema),
          models.stream().map(CtrModelConfig::toJson).toList(),
          JSON.writeValueAsString(trainer),
          publishEveryExamples,
          publishIntervalMillis,
          snapshotEvery,
          tickMillis,
          modelStore);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the trainer config as JSON", e);
    }
  }

  public FeatureSchema schema() {
    return FeatureSchemaCodec.fromJson(schemaJson);
  }

  public List<CtrModelConfig> models() {
    return modelConfigsJson.stream().map(CtrModelConfig::fromJson).toList();
  }

  public List<String> modelNames() {
    return models().stream().map(CtrModelConfig::model).toList();
  }

  public TrainerConfig trainer() {
    return trainerConfig(trainerConfigJson);
  }

  private static TrainerConfig trainerConfig(String json) {
    try {
      return TrainerConfig.builder().build().withOverrides(JSON.readTree(json));
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("trainer config is not valid JSON: " + e.getMessage(), e);
    }
  }

  private static void atLeastOne(String name, long value) {
    if (value < 1) {
      throw new IllegalArgumentException(name + " must be >= 1, was " + value);
    }
  }
}
