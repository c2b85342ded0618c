package org.ctrflow.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/** The rendered overlays, once per test JVM, and ways into their pod templates. */
final class Rendered {

  /** The module directory: surefire runs tests there. */
  static final Path K8S = Path.of("").toAbsolutePath();

  static final Path REPO = K8S.getParent();

  static final List<String> OVERLAYS = List.of("dev", "prod");

  private static final Map<String, List<ObjectNode>> CACHE = new ConcurrentHashMap<>();

  private Rendered() {}

  static List<ObjectNode> overlay(String name) {
    return CACHE.computeIfAbsent(
        name, n -> KustomizeRenderer.render(K8S.resolve("overlays").resolve(n)));
  }

  static Stream<String> overlays() {
    return OVERLAYS.stream();
  }

  /** A workload's pod template: Deployment / StatefulSet template, FlinkDeployment podTemplate. */
  static JsonNode podTemplate(JsonNode workload) {
    return workload.path("kind").asText().equals("FlinkDeployment")
        ? workload.at("/spec/podTemplate")
        : workload.at("/spec/template");
  }

  /** Every object with a pod template, with the template. */
  static List<ObjectNode> workloads(List<ObjectNode> objects) {
    List<ObjectNode> out = new ArrayList<>();
    for (ObjectNode o : objects) {
      String kind = o.path("kind").asText();
      if (kind.equals("Deployment")
          || kind.equals("StatefulSet")
          || kind.equals("FlinkDeployment")) {
        out.add(o);
      }
    }
    return out;
  }

  /** The container of a pod template with this name. */
  static JsonNode container(JsonNode podTemplate, String name) {
    for (JsonNode c : podTemplate.at("/spec/containers")) {
      if (c.path("name").asText().equals(name)) {
        return c;
      }
    }
    throw new AssertionError("no container " + name + " in " + podTemplate);
  }

  static String id(JsonNode object) {
    return object.path("kind").asText() + "/" + object.at("/metadata/name").asText();
  }
}
