package org.ctrflow.launcher.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.ctrflow.models.blocks.CtrModels;
import org.ctrflow.models.features.FeatureSchemas;
import org.ctrflow.models.training.TrainerConfig;
import org.junit.jupiter.api.Test;

/**
 * The variant files of docs/benchmarks/variants/ stay valid overrides of the Frappe preset, and
 * {@code defaults.json} spells out exactly the online defaults, as that page says.
 */
class VariantFilesTest {

  private static final Path DIR =
      Path.of(System.getProperty("ctrflow.project.dir", "..")).resolve("docs/benchmarks/variants");

  @Test
  void everyVariantFileOverridesThePreset() throws IOException {
    List<Path> files;
    try (Stream<Path> list = Files.list(DIR)) {
      files = list.filter(f -> f.toString().endsWith(".json")).sorted().toList();
    }
    assertThat(files).hasSizeGreaterThan(10);
    for (Path file : files) {
      ModelSetup setup = ModelSetup.resolve(ModelPreset.FRAPPE, "finalmlp", true, file);
      assertThat(setup.trainer()).as(file.toString()).isNotNull();
    }
  }

  @Test
  void defaultsJsonIsTheDefaults() {
    ModelSetup spelled =
        ModelSetup.resolve(ModelPreset.FRAPPE, "finalmlp", true, DIR.resolve("defaults.json"));
    assertThat(spelled.trainer()).isEqualTo(TrainerConfig.builder().build());
    assertThat(spelled.model())
        .isEqualTo(CtrModels.frappeOnline("finalmlp", FeatureSchemas.frappe().totalRows()));
  }
}
