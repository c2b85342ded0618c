package org.ctrflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ctrflow.connectors.testing.SharedData;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Renders each overlay and validates every object: core and Strimzi kinds through their typed
 * models with unknown fields rejected, Flink resources against the operator's CRD schemas.
 */
@Timeout(120)
class ManifestValidationTest {

  private static final Set<String> FLINK_KINDS = Set.of("FlinkDeployment", "FlinkSessionJob");

  static Stream<String> overlays() {
    return Rendered.overlays();
  }

  static CrdSchemas flinkCrds() {
    return CrdSchemas.load(
        List.of(
            SharedData.file("k8s-schemas/flinkdeployments.flink.apache.org-v1.yml"),
            SharedData.file("k8s-schemas/flinksessionjobs.flink.apache.org-v1.yml")));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyObjectHasAValidatorAndAUniqueNameInItsNamespace(String overlay) {
    List<ObjectNode> objects = Rendered.overlay(overlay);
    assertThat(objects).hasSizeGreaterThan(30);
    Set<String> seen = new HashSet<>();
    for (ObjectNode o : objects) {
      assertThat(TypedModels.knows(o) || FLINK_KINDS.contains(o.path("kind").asText()))
          .as("%s (%s) has no validator", Rendered.id(o), TypedModels.key(o))
          .isTrue();
      assertThat(seen.add(TypedModels.key(o) + "/" + o.at("/metadata/name").asText()))
          .as("duplicate %s", Rendered.id(o))
          .isTrue();
      assertThat(o.at("/metadata/namespace").asText())
          .isEqualTo(overlay.equals("dev") ? "ctrflow-dev" : "ctrflow");
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void coreAndStrimziKindsMatchTheirTypedModels(String overlay) {
    List<String> errors = new ArrayList<>();
    int validated = 0;
    for (ObjectNode o : Rendered.overlay(overlay)) {
      if (!TypedModels.knows(o)) {
        continue;
      }
      try {
        TypedModels.read(o);
        validated++;
      } catch (IllegalArgumentException e) {
        errors.add(Rendered.id(o) + ": " + e.getMessage());
      }
    }
    assertThat(errors).isEmpty();
    assertThat(validated).isGreaterThan(25);
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void flinkResourcesMatchTheOperatorsCrdSchemas(String overlay) {
    CrdSchemas crds = flinkCrds();
    List<ObjectNode> flink =
        Rendered.overlay(overlay).stream()
            .filter(o -> FLINK_KINDS.contains(o.path("kind").asText()))
            .toList();
    assertThat(flink).hasSize(3);
    for (ObjectNode o : flink) {
      assertThat(crds.violations(o)).as(Rendered.id(o)).isEmpty();
      TypedModels.metadata(o);
    }
  }

  @Test
  void sessionModeExampleMatchesTheCrdSchemasToo() {
    CrdSchemas crds = flinkCrds();
    Path dir = Rendered.K8S.resolve("examples/session-mode");
    List<ObjectNode> objects = KustomizeRenderer.render(dir);
    assertThat(objects).extracting(o -> o.path("kind").asText()).contains("FlinkSessionJob");
    for (ObjectNode o : objects) {
      if (FLINK_KINDS.contains(o.path("kind").asText())) {
        assertThat(crds.violations(o)).as(Rendered.id(o)).isEmpty();
      } else {
        TypedModels.read(o);
      }
    }
    // The session cluster carries the same shared settings as every application-mode job.
    ObjectNode common =
        KustomizeRenderer.readAll(Rendered.K8S.resolve("base/flink/common.yaml")).get(0);
    ObjectNode session = KustomizeRenderer.find(objects, "FlinkDeployment", "ctrflow-session");
    assertThat(session.at("/spec/image")).isEqualTo(common.at("/spec/image"));
    common
        .at("/spec/flinkConfiguration")
        .fields()
        .forEachRemaining(
            e ->
                assertThat(session.at("/spec/flinkConfiguration").get(e.getKey()))
                    .as(e.getKey())
                    .isEqualTo(e.getValue()));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void noSecretValueIsCommitted(String overlay) throws Exception {
    assertThat(KustomizeRenderer.ofKind(Rendered.overlay(overlay), "Secret")).isEmpty();
    try (Stream<Path> files = Files.walk(Rendered.K8S.resolve("base"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        assertThat(Files.readString(f)).as(f.toString()).doesNotContain("kind: Secret");
      }
    }
  }

  // The validators must be able to fail: one typo of each kind.

  @Test
  void aMisspelledFieldInACoreKindIsRejected() {
    ObjectNode d =
        KustomizeRenderer.find(Rendered.overlay("dev"), "Deployment", "ctrflow-model-server")
            .deepCopy();
    ((ObjectNode) d.at("/spec/template/spec/containers/0")).put("imagePullPolcy", "Always");
    assertThatThrownBy(() -> TypedModels.read(d)).hasMessageContaining("imagePullPolcy");
  }

  @Test
  void aMisspelledFieldInAStrimziKindIsRejected() {
    ObjectNode k = KustomizeRenderer.find(Rendered.overlay("dev"), "Kafka", "ctrflow").deepCopy();
    ((ObjectNode) k.at("/spec/kafka")).set("listners", k.at("/spec/kafka/listeners"));
    assertThatThrownBy(() -> TypedModels.read(k)).hasMessageContaining("listners");
  }

  @Test
  void aMisspelledOrMistypedFieldInAFlinkDeploymentIsRejected() {
    CrdSchemas crds = flinkCrds();
    ObjectNode f =
        KustomizeRenderer.find(Rendered.overlay("dev"), "FlinkDeployment", "ctrflow-training")
            .deepCopy();
    ((ObjectNode) f.at("/spec/job")).put("upgradeMod", "savepoint");
    ((ObjectNode) f.at("/spec/job")).put("parallelism", "two");
    ((ObjectNode) f.at("/spec/podTemplate/spec/containers/0")).put("imagePullPolcy", "Always");
    JsonNode violations = KustomizeRenderer.YAML.valueToTree(crds.violations(f));
    assertThat(violations.toString())
        .contains("upgradeMod")
        .contains("parallelism")
        .contains("imagePullPolcy");
  }
}
