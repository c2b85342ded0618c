package org.ctrflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The merge semantics the overlays rely on, each shown on a small kustomization. */
@Timeout(30)
class KustomizeRendererTest {

  @TempDir Path dir;

  private static final String DEPLOYMENT =
      """
      apiVersion: apps/v1
      kind: Deployment
      metadata: {name: web}
      spec:
        replicas: 2
        template:
          spec:
            containers:
              - name: app
                image: app:1
                args: [a, b]
                env: [{name: X, value: "1"}]
                volumeMounts: [{name: data, mountPath: /data}]
              - name: sidecar
                image: side:1
      """;

  private List<ObjectNode> build(String kustomization, String... files) throws IOException {
    Files.writeString(dir.resolve("kustomization.yaml"), kustomization);
    for (int i = 0; i < files.length; i += 2) {
      Files.writeString(dir.resolve(files[i]), files[i + 1]);
    }
    return KustomizeRenderer.render(dir);
  }

  @Test
  void builtInListsMergeByTheirSchemaKeyAndScalarListsAreReplaced() throws IOException {
    List<ObjectNode> out =
        build(
            "kind: Kustomization\nresources: [d.yaml]\npatches: [{path: p.yaml}]\nnamespace: ns\n",
            "d.yaml",
            DEPLOYMENT,
            "p.yaml",
            """
            apiVersion: apps/v1
            kind: Deployment
            metadata: {name: web}
            spec:
              replicas: null
              template:
                spec:
                  containers:
                    - name: app
                      args: [c]
                      env: [{name: Y, value: "2"}]
                      volumeMounts: [{name: other, mountPath: /data}]
            """);
    ObjectNode d = KustomizeRenderer.find(out, "Deployment", "web");
    assertThat(d.at("/metadata/namespace").asText()).isEqualTo("ns");
    assertThat(d.at("/spec").has("replicas")).as("null deletes").isFalse();
    assertThat(d.at("/spec/template/spec/containers")).hasSize(2);
    assertThat(d.at("/spec/template/spec/containers/0/image").asText()).isEqualTo("app:1");
    assertThat(d.at("/spec/template/spec/containers/0/args").toString()).isEqualTo("[\"c\"]");
    assertThat(d.at("/spec/template/spec/containers/0/env")).hasSize(2);
    // volumeMounts merge by mountPath, not name: the patch rewrites the one at /data.
    assertThat(d.at("/spec/template/spec/containers/0/volumeMounts")).hasSize(1);
    assertThat(d.at("/spec/template/spec/containers/0/volumeMounts/0/name").asText())
        .isEqualTo("other");
  }

  @Test
  void targetedPatchesApplyToEveryMatchAndCustomListsMergeByName() throws IOException {
    String job =
        """
        apiVersion: example.com/v1
        kind: Job
        metadata: {name: %s}
        spec:
          items: [{name: a, v: 1}]
          plain: [{x: 1}]
        """;
    List<ObjectNode> out =
        build(
            "kind: Kustomization\nresources: [a.yaml, b.yaml]\n"
                + "patches: [{path: p.yaml, target: {kind: Job}}]\n",
            "a.yaml",
            job.formatted("one"),
            "b.yaml",
            job.formatted("two"),
            "p.yaml",
            """
            apiVersion: example.com/v1
            kind: Job
            metadata: {name: ignored}
            spec:
              items: [{name: b, v: 2}]
              plain: [{x: 2}]
            """);
    for (String name : List.of("one", "two")) {
      ObjectNode j = KustomizeRenderer.find(out, "Job", name);
      assertThat(j.at("/spec/items")).hasSize(2);
      assertThat(j.at("/spec/plain").toString()).isEqualTo("[{\"x\":2}]");
      assertThat(j.at("/metadata/name").asText()).isEqualTo(name);
    }
  }

  @Test
  void whatTheRendererCannotDoFailsLoudly() throws IOException {
    Files.writeString(dir.resolve("d.yaml"), DEPLOYMENT);
    assertThatThrownBy(() -> build("kind: Kustomization\nresources: [d.yaml]\nimages: []\n"))
        .hasMessageContaining("field 'images' is not supported");
    assertThatThrownBy(
            () ->
                build(
                    "kind: Kustomization\nresources: [d.yaml]\npatches: [{path: p.yaml}]\n",
                    "p.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: nope}\n"))
        .hasMessageContaining("matches nothing");
    assertThatThrownBy(
            () ->
                build(
                    "kind: Kustomization\nresources: [d.yaml]\npatches: [{path: p.yaml}]\n",
                    "p.yaml",
                    "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\n"
                        + "spec: {$patch: replace}\n"))
        .hasMessageContaining("/spec/$patch");
  }
}
