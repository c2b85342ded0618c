package org.ctrflow.launcher.models;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.launcher.DurationConverter;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchema;
import picocli.CommandLine.Option;

/** Options shared by the model evaluation commands: what to train, on which files' layout. */
final class DatasetOptions {

  @Option(
      names = "--model",
      required = true,
      description = "Model: finalmlp, dualmlp, dnn, memnet or hybrid.")
  String model;

  @Option(
      names = "--preset",
      description =
          "Dataset preset (schema and hyper-parameters): ${COMPLETION-CANDIDATES}; or --schema.")
  ModelPreset preset;

  @Option(
      names = "--schema",
      description =
          "A feature schema JSON file (ctrflow schema infer writes one) instead of --preset; model"
              + " settings follow its size.")
  Path schemaFile;

  @Option(
      names = "--format",
      description =
          "File format: libfm, criteo, avazu or csv; required with --preset, taken from the"
              + " schema's input with --schema.")
  String format;

  @Option(
      names = "--fields",
      description =
          "libfm: field names, 'frappe' or a comma-separated list (default: the preset's).")
  String fields;

  @Option(
      names = "--config",
      description = "JSON file {\"model\": {...}, \"trainer\": {...}} overriding the preset.")
  Path config;

  @Option(
      names = "--predictions-out",
      description = "Write 'label<TAB>score' per scored row, in input order.")
  Path predictionsOut;

  @Option(
      names = "--limit",
      defaultValue = "9223372036854775807",
      description = "Read at most this many rows of each file (for smoke tests).")
  long limit;

  @Option(
      names = "--progress-every",
      defaultValue = "10s",
      converter = DurationConverter.class,
      description = "Time between progress lines on stderr (default ${DEFAULT-VALUE}).")
  Duration progressEvery;

  /**
   * @throws IllegalArgumentException for an unknown model or format, or bad field names
   */
  ModelSetup setup(boolean online) {
    if (!CtrModels.names().contains(model)) {
      throw new IllegalArgumentException(
          "unknown model '" + model + "'; valid models: " + String.join(", ", CtrModels.names()));
    }
    if ((preset == null) == (schemaFile == null)) {
      throw new IllegalArgumentException(
          "give either --preset (frappe, criteo, avazu, movielens) or --schema FILE"
              + (preset == null ? "" : ", not both"));
    }
    if (preset != null) {
      requireFormat();
      libFmFields();
      return ModelSetup.resolve(preset, model, online, config);
    }
    FeatureSchema schema = schema();
    if (schema.input().isEmpty()) {
      requireFormat();
    } else if (format != null || fields != null) {
      throw new IllegalArgumentException(
          "schema file "
              + schemaFile
              + " says how its files read (input: "
              + schema.input().get().format().name().toLowerCase(Locale.ROOT)
              + "); drop --format and --fields, or edit its input section");
    }
    return SchemaSetup.resolve(schema, model, online, config);
  }

  /** The dataset's name for result lines: the preset's or the schema's. */
  String datasetName() {
    return preset != null ? preset.name().toLowerCase(Locale.ROOT) : schema().name();
  }

  DatasetReader open(Path file) throws IOException {
    if (preset != null) {
      return DatasetFormat.parse(format).open(file, libFmFields(), preset.csvOptions());
    }
    FeatureSchema schema = schema();
    if (schema.input().isPresent()) {
      return schema.input().get().open(file);
    }
    return DatasetFormat.parse(format)
        .open(
            file,
            libFmFields(),
            org.ctrflow.connectors.replay.CsvOptions.builder()
                .optNumericColumns(schema.numericFieldNames())
                .build());
  }

  private FeatureSchema schema;

  private FeatureSchema schema() {
    if (schema == null) {
      schema = SchemaSetup.read(schemaFile);
    }
    return schema;
  }

  private void requireFormat() {
    if (format == null) {
      throw new IllegalArgumentException(
          "--format is required (libfm, criteo, avazu or csv)"
              + (preset == null ? " for a schema without an input section" : " with --preset"));
    }
    DatasetFormat.parse(format);
  }

  private List<String> libFmFields() {
    if (fields != null) {
      return LibFmReader.fieldNames(fields);
    }
    return preset == null ? List.of() : preset.libFmFields();
  }
}
