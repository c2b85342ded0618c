package org.ctrflow.models.blocks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class CtrModelConfigTest {

  @Test
  void builderNamesTheMissingRequiredValueAndAppliesTheDefaults() {
    assertThatThrownBy(() -> CtrModelConfig.builder().setNumRows(10).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("CtrModelConfig needs setModel(name)");
    assertThatThrownBy(
            () ->
                CtrModelConfig.builder()
                    .setModel("finalmlp")
                    .setNumRows(10)
                    .setNumFields(3)
                    .build())
        .hasMessage("CtrModelConfig needs setEmbeddingDim(d)");
    assertThatThrownBy(
            () ->
                CtrModelConfig.builder()
                    .setModel("finalmlp")
                    .setNumRows(10)
                    .setNumFields(3)
                    .setEmbeddingDim(4)
                    .optHeads(0)
                    .build())
        .hasMessageContaining("heads");
    CtrModelConfig built =
        CtrModelConfig.builder()
            .setModel("dnn")
            .setNumRows(10)
            .setNumFields(3)
            .setEmbeddingDim(4)
            .build();
    assertThat(built)
        .isEqualTo(
            new CtrModelConfig(
                "dnn",
                10,
                3,
                4,
                List.of(400),
                0f,
                List.of(100),
                0f,
                false,
                List.of(400),
                List.of(),
                List.of(),
                1,
                0f,
                Map.of()));
    CtrModelConfig frappe = CtrModelConfig.frappe("finalmlp", 5382);
    assertThat(frappe.toBuilder().build()).isEqualTo(frappe);
  }

  @Test
  void jsonRoundTripKeepsEveryValue() {
    CtrModelConfig config = CtrModelConfig.frappe("finalmlp", 5382);
    String json = config.toJson();
    assertThat(json).contains("\"formatVersion\":2");
    assertThat(CtrModelConfig.fromJson(json)).isEqualTo(config);
    CtrModelConfig criteo = CtrModelConfig.criteoSized("dualmlp");
    assertThat(CtrModelConfig.fromJson(criteo.toJson())).isEqualTo(criteo);
    CtrModelConfig withOptions =
        config.toBuilder().optOptions(Map.of("memory.slots", "16", "a", "b")).build();
    assertThat(CtrModelConfig.fromJson(withOptions.toJson())).isEqualTo(withOptions);
  }

  @Test
  void version1JsonReadsAsEmptyOptions() {
    CtrModelConfig config = CtrModelConfig.frappe("finalmlp", 5382);
    String v1 =
        config
            .toJson()
            .replace("\"formatVersion\":2", "\"formatVersion\":1")
            .replace(",\"options\":{}", "");
    assertThat(v1).doesNotContain("options");
    assertThat(CtrModelConfig.fromJson(v1)).isEqualTo(config);
    assertThatThrownBy(
            () ->
                CtrModelConfig.fromJson(
                    config.toJson().replace("\"formatVersion\":2", "\"formatVersion\":1")))
        .hasMessageContaining("formatVersion 1 has no 'options'");
  }

  @Test
  void jsonWithAnotherFormatVersionOrUnknownFieldIsRejected() {
    String json = CtrModelConfig.frappe("dnn", 100).toJson();
    assertThatThrownBy(
            () ->
                CtrModelConfig.fromJson(json.replace("\"formatVersion\":2", "\"formatVersion\":3")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "unsupported model config formatVersion 3; this build reads formatVersion 1 and 2");
    assertThatThrownBy(() -> CtrModelConfig.fromJson(json.replace("\"formatVersion\":2,", "")))
        .hasMessageContaining("formatVersion null");
    assertThatThrownBy(() -> CtrModelConfig.fromJson(json.replace("\"heads\"", "\"headz\"")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("'heads'");
    assertThatThrownBy(
            () ->
                CtrModelConfig.fromJson(json.replace("\"embeddingDim\":10", "\"embeddingDim\":0")))
        .hasMessageContaining("embeddingDim must be positive, got 0");
  }

  @Test
  void invalidValuesAreNamed() {
    assertThatThrownBy(
            () ->
                CtrModelConfig.builder()
                    .setModel("finalmlp")
                    .setNumRows(10)
                    .setNumFields(3)
                    .setEmbeddingDim(4)
                    .optMlp1Units(List.of(8))
                    .optMlp1Dropout(1f)
                    .optMlp2Units(List.of(4))
                    .optGateHiddenUnits(List.of())
                    .build())
        .hasMessage("mlp1Dropout must be in [0, 1), got 1.0");
    assertThatThrownBy(
            () ->
                CtrModelConfig.builder()
                    .setModel("finalmlp")
                    .setNumRows(10)
                    .setNumFields(3)
                    .setEmbeddingDim(4)
                    .optMlp1Units(List.of(8))
                    .optMlp2Units(List.of(4))
                    .optGateHiddenUnits(List.of())
                    .optGate1ContextFields(List.of(3))
                    .build())
        .hasMessage("gate1ContextFields must be field indices in [0, 3), got [3]");
  }

  @Test
  void factoryListsTheValidNames() {
    assertThatThrownBy(() -> CtrModels.create(CtrModelConfig.frappe("deepfm", 100)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("unknown model 'deepfm'; valid names: finalmlp, dualmlp, dnn, ftrl, fm");
  }

  /** Trainable parameters of the Frappe models on the 5,382-row table, printed for the record. */
  @Test
  void frappeParameterCounts() {
    Map<String, Long> counts = new LinkedHashMap<>();
    try (NDManager manager = NDManager.newBaseManager()) {
      for (String model : CtrModels.NAMES) {
        CtrModelBlock block =
            CtrModels.createInitialized(CtrModelConfig.frappe(model, 5382), manager);
        long total = 0;
        StringBuilder detail = new StringBuilder();
        for (Pair<String, Parameter> p : block.getParameters()) {
          if (p.getValue().requiresGradient()) {
            long size = p.getValue().getArray().size();
            total += size;
            detail.append(String.format("  %-40s %9d%n", p.getKey(), size));
          }
        }
        System.out.printf(
            "%s on Frappe (5,382 rows): %,d trainable parameters%n%s", model, total, detail);
        counts.put(model, total);
      }
    }
    // embedding 53,820 + two gates 2 x (10·400+400 + 400·100+100) + MLP1 100·400+400+2·400
    // + MLP2 100·100+100+2·100 + fusion 400+100+1+5·80·20
    assertThat(counts.get("finalmlp")).isEqualTo(202_821L);
    // embedding + MLP1 with output 401 + MLP2 with output 101
    assertThat(counts.get("dualmlp")).isEqualTo(53_820L + 41_200 + 401 + 10_300 + 101);
    assertThat(counts.get("dnn")).isEqualTo(53_820L + 41_200 + 401);
  }
}
