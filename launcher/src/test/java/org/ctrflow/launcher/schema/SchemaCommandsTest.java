package org.ctrflow.launcher.schema;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.ctrflow.connectors.testing.SharedData;
import org.ctrflow.launcher.testing.CtrflowRun;
import org.ctrflow.launcher.testing.CtrflowRun.Result;
import org.ctrflow.models.features.CategoricalEncoding;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FeatureSchemaCodec;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.features.NumericEncoding;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code ctrflow schema infer} then {@code ctrflow prequential --schema} on each sample in
 * ../shared/datasets, with nothing but the options a user types; and {@code schema check} on
 * hand-edited files.
 */
@Timeout(300)
class SchemaCommandsTest {

  @TempDir Path dir;

  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      value = {
        "frappe|libfm|frappe/nfm_split/frappe.test.libfm|--fields frappe",
        "criteo|criteo|criteo_sample/criteo_sample.txt|",
        "avazu|avazu|avazu_sample/avazu_sample.txt|",
        "movielens|csv|movielens_sample/movielens_sample.txt|--label-column rating"
            + " --label-threshold 4",
        "taobao|csv|taobao_tiny_fuxictr/train_sample.csv|--label-column clk"
      })
  void inferThenPrequentialRunsOnEverySample(
      String name, String format, String sample, String extra) throws Exception {
    Path file = SharedData.dataset(sample);
    Path schemaFile = dir.resolve(name + ".json");
    List<String> infer =
        new ArrayList<>(
            List.of(
                "schema",
                "infer",
                "--format",
                format,
                "--file",
                file.toString(),
                "--out",
                schemaFile.toString()));
    if (extra != null) {
      infer.addAll(List.of(extra.split(" ")));
    }
    Result inferred = CtrflowRun.run(infer.toArray(String[]::new));
    assertThat(inferred.code()).as(inferred.output()).isZero();
    assertThat(inferred.output()).contains("rows profiled", "wrote " + schemaFile);

    Result checked = CtrflowRun.run("schema", "check", schemaFile.toString());
    assertThat(checked.code()).as(checked.output()).isZero();
    assertThat(checked.output()).contains("valid");

    Result prequential =
        CtrflowRun.run(
            "prequential",
            "--schema",
            schemaFile.toString(),
            "--model",
            "finalmlp",
            "--file",
            file.toString(),
            "--limit",
            "3000");
    assertThat(prequential.code()).as(prequential.output()).isZero();
    assertThat(prequential.output()).contains("all rows").doesNotContain("malformed");
  }

  @Test
  void inferredFrappeLayoutIsThePresetsOnTheTrainFile() throws Exception {
    Path file = SharedData.dataset("frappe/nfm_split/frappe.train.reconstructed.libfm");
    Path schemaFile = dir.resolve("frappe.json");
    Result inferred =
        CtrflowRun.run(
            "schema",
            "infer",
            "--format",
            "libfm",
            "--fields",
            "frappe",
            "--file",
            file.toString(),
            "--out",
            schemaFile.toString());
    assertThat(inferred.code()).as(inferred.output()).isZero();
    FeatureSchema schema = FeatureSchemaCodec.fromJson(Files.readString(schemaFile));
    FeatureSchema preset = FeatureSchemas.frappe();
    // Every field a dense id range found in the data: the preset's exact layout and gates.
    assertThat(schema.fields()).isEqualTo(preset.fields());
    assertThat(schema.gateContexts()).isEqualTo(preset.gateContexts());
  }

  @Test
  void criteoCountsTakeTheCriteoTransformAndOpenColumnsShareTheTable() throws Exception {
    Path schemaFile = dir.resolve("criteo.json");
    Result inferred =
        CtrflowRun.run(
            "schema",
            "infer",
            "--format",
            "criteo",
            "--file",
            SharedData.dataset("criteo_sample/criteo_sample.txt").toString(),
            "--out",
            schemaFile.toString());
    assertThat(inferred.code()).as(inferred.output()).isZero();
    FeatureSchema schema = FeatureSchemaCodec.fromJson(Files.readString(schemaFile));
    assertThat(schema.fields().subList(0, 13))
        .allSatisfy(f -> assertThat(f.encoding()).isInstanceOf(NumericEncoding.LogSquared.class));
    assertThat(schema.fields().get(0).name()).isEqualTo("I1");
    assertThat(schema.fields().get(13).name()).isEqualTo("C1");
    assertThat(schema.totalRows()).isEqualTo(FeatureSchemas.DEFAULT_TOTAL_ROWS);
    assertThat(
            schema.fields().stream()
                .filter(f -> f.encoding() instanceof CategoricalEncoding.Hashed))
        .hasSizeGreaterThan(15);
  }

  @Test
  void aNumericLabelWithoutAThresholdSaysHowToBinarizeIt() {
    Result run =
        CtrflowRun.run(
            "schema",
            "infer",
            "--format",
            "csv",
            "--label-column",
            "rating",
            "--file",
            SharedData.dataset("movielens_sample/movielens_sample.txt").toString(),
            "--out",
            dir.resolve("x.json").toString());
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.output())
        .contains("label must be 1, 0 or -1")
        .contains("give --label-threshold")
        .contains("e.g. --label-threshold 4");
    assertThat(dir.resolve("x.json")).doesNotExist();
  }

  @Test
  void checkNamesTheFieldAtFaultAndWhatIsValid() throws Exception {
    String good =
        FeatureSchemaCodec.toPrettyJson(
            FeatureSchema.builder()
                .optName("hand")
                .addField(org.ctrflow.models.features.FieldSpec.hashed("user", 1000))
                .addField(org.ctrflow.models.features.FieldSpec.log1p("price", 8))
                .build());
    Path file = dir.resolve("hand.json");
    Files.writeString(file, good.replace("\"buckets\" : 1000", "\"buckets\" : -5"));
    Result bad = CtrflowRun.run("schema", "check", file.toString());
    assertThat(bad.code()).isEqualTo(2);
    assertThat(bad.output())
        .contains("field 'user': hash buckets must be at least 1 (e.g. 65536), was -5");

    Files.writeString(file, good.replace("\"log1p\"", "\"log\""));
    assertThat(CtrflowRun.run("schema", "check", file.toString()).output())
        .contains(
            "field 'price' has unknown encoding 'log'; expected one of hashed, idRange,"
                + " vocabulary, logSquared, log1p, boundaries");

    // totalRows is computed when left out, so a hand edit need not recount it.
    Files.writeString(
        file,
        good.replace("\"buckets\" : 1000", "\"buckets\" : 2000")
            .replaceAll("\"totalRows\" : \\d+,", ""),
        StandardCharsets.UTF_8);
    Result edited = CtrflowRun.run("schema", "check", file.toString());
    assertThat(edited.code()).as(edited.output()).isZero();
    assertThat(edited.output()).contains("2,010 embedding rows");
  }
}
