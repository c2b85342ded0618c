package org.ctrflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.ctrflow.labelqueue.LabelQueueMain;
import org.ctrflow.serving.ServeMain;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The Dockerfiles cannot be built here (no Docker engine); this checks what can be checked without
 * one: every image a manifest runs has a Dockerfile, multi-stage, ending as a non-root user, with
 * jemalloc and the project's JVM flag list, and every file it copies exists in the repository.
 */
@Timeout(30)
class ImagesTest {

  private static Set<String> imagesRun() {
    Set<String> images = new TreeSet<>();
    for (String overlay : Rendered.OVERLAYS) {
      for (JsonNode w : Rendered.workloads(Rendered.overlay(overlay))) {
        if (w.at("/spec/image").isTextual()) {
          images.add(w.at("/spec/image").asText());
        }
        Rendered.podTemplate(w)
            .at("/spec/containers")
            .forEach(
                c -> {
                  if (c.has("image")) {
                    images.add(c.path("image").asText());
                  }
                });
      }
    }
    return images;
  }

  @Test
  void everyImageTheManifestsRunHasACompleteDockerfile() throws Exception {
    Set<String> images = imagesRun();
    assertThat(images).hasSizeGreaterThanOrEqualTo(3);
    for (String image : images) {
      String component = image.substring("ctrflow/".length(), image.indexOf(':'));
      Path dockerfile = Rendered.K8S.resolve("images").resolve(component).resolve("Dockerfile");
      assertThat(dockerfile).as(image).isRegularFile();
      String text = Files.readString(dockerfile);
      List<String> lines = text.lines().map(String::strip).toList();
      assertThat(lines.stream().filter(l -> l.startsWith("FROM ")).count())
          .as(component + " multi-stage")
          .isGreaterThanOrEqualTo(2);
      String lastUser =
          lines.stream().filter(l -> l.startsWith("USER ")).reduce((a, b) -> b).orElse("USER root");
      assertThat(lastUser).as(component).doesNotContain("root").isNotEqualTo("USER 0");
      assertThat(text).as(component).contains("bin/jvm.options");
      assertThat(text).as(component).containsAnyOf("libjemalloc2", "preloads jemalloc");
      assertThat(text).as(component).contains("DJL_CACHE_DIR").contains("OMP_WAIT_POLICY=PASSIVE");
      for (String line : lines) {
        if (line.startsWith("COPY ") && !line.contains("--from=")) {
          String[] parts = line.split("\\s+");
          for (int i = 1; i < parts.length - 1; i++) {
            if (!parts[i].startsWith("--") && !parts[i].equals(".")) {
              assertThat(Rendered.REPO.resolve(parts[i])).as(component + ": " + line).exists();
            }
          }
        }
      }
    }
  }

  /**
   * The services' images start their own main classes on their own module's class path: neither
   * carries the launcher and with it Flink (the model-serving and labeling-queue modules are
   * Flink-free by the enforcer).
   */
  @Test
  void serviceImagesRunTheirOwnMainClassWithoutTheLauncher() throws Exception {
    Map<String, String> mains =
        Map.of(
            "model-server", ServeMain.class.getName(),
            "label-queue", LabelQueueMain.class.getName());
    for (Map.Entry<String, String> e : mains.entrySet()) {
      String text =
          Files.readString(
              Rendered.K8S.resolve("images").resolve(e.getKey()).resolve("Dockerfile"));
      assertThat(text).as(e.getKey()).contains("CTRFLOW_MAIN=" + e.getValue());
      assertThat(text).as(e.getKey()).doesNotContain("-pl launcher");
    }
  }

  @Test
  void theEntryPointRunsJvmOptionsAndJemalloc() throws Exception {
    String script = Files.readString(Rendered.K8S.resolve("images/java-entrypoint.sh"));
    assertThat(script).contains("@/opt/ctrflow/jvm.options", "libjemalloc.so.2", "exec java");
    assertThat(Files.isExecutable(Rendered.K8S.resolve("images/java-entrypoint.sh"))).isTrue();
  }
}
