package org.ctrflow.launcher.models;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.connectors.replay.DatasetReader;
import org.ctrflow.connectors.replay.LibFmReader;
import org.ctrflow.models.blocks.CtrModels;
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
      required = true,
      description = "Dataset preset (schema and hyper-parameters): ${COMPLETION-CANDIDATES}.")
  ModelPreset preset;

  @Option(
      names = "--format",
      required = true,
      description = "File format: libfm, criteo, avazu or csv.")
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
      names = "--progress-seconds",
      defaultValue = "10",
      description = "Seconds between progress lines on stderr (default ${DEFAULT-VALUE}).")
  double progressSeconds;

  /**
   * @throws IllegalArgumentException for an unknown model or format, or bad field names
   */
  ModelSetup setup(boolean online) {
    if (!CtrModels.names().contains(model)) {
      throw new IllegalArgumentException(
          "unknown model '" + model + "'; valid models: " + String.join(", ", CtrModels.names()));
    }
    DatasetFormat.parse(format);
    libFmFields();
    return ModelSetup.resolve(preset, model, online, config);
  }

  DatasetReader open(Path file) throws IOException {
    return DatasetFormat.parse(format).open(file, libFmFields(), preset.csvOptions());
  }

  private List<String> libFmFields() {
    return fields == null ? preset.libFmFields() : LibFmReader.fieldNames(fields);
  }
}
