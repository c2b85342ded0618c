package org.ctrflow.launcher.models;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Set;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.training.TrainerConfig;

/**
 * What a run trains: schema, model and trainer settings, from a preset and an optional config file
 * {@code {"model": {...}, "trainer": {...}}} whose keys override the preset's values.
 */
record ModelSetup(FeatureSchema schema, CtrModelConfig model, TrainerConfig trainer) {

  private static final ObjectMapper JSON = new ObjectMapper();
  // The schema fixes the table; a config file must not contradict it.
  private static final Set<String> FIXED_MODEL_KEYS = Set.of("numRows", "numFields", "model");

  /**
   * @param online the preset's online (prequential) trainer settings, else its offline ones
   * @param configFile JSON overrides, or null
   * @throws IllegalArgumentException for an unreadable or invalid config file, naming the problem
   */
  static ModelSetup resolve(ModelPreset preset, String model, boolean online, Path configFile) {
    FeatureSchema schema = preset.schema();
    CtrModelConfig modelConfig =
        online ? preset.onlineModel(model, schema) : preset.model(model, schema);
    TrainerConfig trainer = online ? preset.online() : preset.offline();
    return new ModelSetup(schema, modelConfig, trainer).overridden(configFile);
  }

  /**
   * These settings with a config file's overrides.
   *
   * @param configFile JSON overrides, or null for none
   * @throws IllegalArgumentException for an unreadable or invalid config file, naming the problem
   */
  ModelSetup overridden(Path configFile) {
    if (configFile == null) {
      return this;
    }
    try {
      return overridden(Files.readString(configFile), configFile.toString());
    } catch (IOException e) {
      throw new IllegalArgumentException(
          "cannot read config file " + configFile + ": " + e.getMessage(), e);
    }
  }

  /**
   * These settings with the overrides of a config JSON text.
   *
   * @param source where the text comes from, for messages
   */
  ModelSetup overridden(String json, String source) {
    JsonNode root;
    try {
      root = JSON.readTree(json);
    } catch (IOException e) {
      throw new IllegalArgumentException("invalid JSON in " + source + ": " + e.getMessage(), e);
    }
    if (!(root instanceof ObjectNode sections)) {
      throw new IllegalArgumentException(
          source + ": expected a JSON object {\"model\": {...}, \"trainer\": {...}}");
    }
    for (Iterator<String> keys = sections.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!key.equals("model") && !key.equals("trainer")) {
        throw new IllegalArgumentException(
            source + ": unknown section '" + key + "'; valid sections: model, trainer");
      }
    }
    try {
      TrainerConfig t =
          sections.has("trainer") ? trainer.withOverrides(sections.get("trainer")) : trainer;
      CtrModelConfig m =
          sections.has("model") ? overrideModel(model, sections.get("model")) : model;
      return new ModelSetup(schema, m, t);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
    }
  }

  /** The same settings for another model name (a variant's model on a stream's defaults). */
  ModelSetup withModel(String name) {
    return new ModelSetup(schema, model.withModel(name), trainer);
  }

  private static CtrModelConfig overrideModel(CtrModelConfig base, JsonNode patch) {
    if (!(patch instanceof ObjectNode overrides)) {
      throw new IllegalArgumentException("model overrides must be a JSON object");
    }
    ObjectNode merged;
    try {
      merged = (ObjectNode) JSON.readTree(base.toJson());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    for (Iterator<String> keys = overrides.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!merged.has(key) || key.equals("formatVersion")) {
        throw new IllegalArgumentException("unknown model setting '" + key + "'");
      }
      if (FIXED_MODEL_KEYS.contains(key)) {
        throw new IllegalArgumentException(
            "model setting '" + key + "' is fixed by --model and the preset's feature schema");
      }
    }
    merged.setAll(overrides);
    return CtrModelConfig.fromJson(merged.toString());
  }
}
