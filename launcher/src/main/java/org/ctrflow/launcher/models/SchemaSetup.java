package org.ctrflow.launcher.models;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.blocks.SchemaModels;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemaCodec;
import org.ctrflow.models.training.TrainerConfig;

/**
 * What a run trains when given {@code --schema FILE} instead of a preset: the schema's own layout,
 * with the model and trainer settings of the preset of its size ({@link SchemaModels}: FRAPPE's for
 * a small table, CRITEO's for a large one), fitted to its rows, fields and gate contexts; a config
 * file overrides them as it does a preset's.
 */
public final class SchemaSetup {

  private SchemaSetup() {}

  /**
   * Reads a schema file.
   *
   * @throws IllegalArgumentException naming the file and what is wrong with it
   */
  public static FeatureSchema read(Path file) {
    try {
      return FeatureSchemaCodec.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new IllegalArgumentException("cannot read schema file " + file + ": " + e, e);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "schema file " + file + ": " + e.getMessage() + " (ctrflow schema check explains)", e);
    }
  }

  /** The preset whose settings a schema of this size takes. */
  static ModelPreset presetFor(FeatureSchema schema) {
    return SchemaModels.small(schema) ? ModelPreset.FRAPPE : ModelPreset.CRITEO;
  }

  /**
   * @param online one-pass (prequential) settings, else multi-epoch ones
   * @param configFile JSON overrides {@code {"model": {...}, "trainer": {...}}}, or null
   * @throws IllegalArgumentException for an invalid config file, naming the problem
   */
  static ModelSetup resolve(FeatureSchema schema, String model, boolean online, Path configFile) {
    ModelPreset preset = presetFor(schema);
    CtrModelConfig sized =
        online
            ? SchemaModels.online(model, schema)
            : SchemaModels.fit(preset.model(model, schema), schema);
    TrainerConfig trainer = online ? preset.online() : preset.offline();
    return new ModelSetup(schema, sized, trainer).overridden(configFile);
  }
}
