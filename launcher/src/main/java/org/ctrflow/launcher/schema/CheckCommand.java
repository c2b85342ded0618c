package org.ctrflow.launcher.schema;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemaCodec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow schema check FILE}: reads a schema as every command and job will, and prints its
 * layout, or the first problem with the member it concerns and what is valid (exit 2).
 */
@Command(
    name = "check",
    mixinStandardHelpOptions = true,
    description = "Validate a feature schema JSON file and print its layout.")
final class CheckCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Parameters(index = "0", paramLabel = "FILE", description = "The schema JSON file.")
  Path file;

  @Override
  public Integer call() {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    FeatureSchema schema;
    try {
      schema = FeatureSchemaCodec.fromJson(Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      err.println("schema check: cannot read " + file + ": " + e.getMessage());
      return 2;
    } catch (IllegalArgumentException e) {
      err.println("schema check: " + file + ": " + e.getMessage());
      return 2;
    }
    out.println(file + ": valid");
    SchemaSummary.print(out, schema);
    return 0;
  }
}
