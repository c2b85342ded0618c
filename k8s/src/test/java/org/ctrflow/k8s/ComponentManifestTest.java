package org.ctrflow.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.ctrflow.connectors.kafka.KafkaClientProperties;
import org.ctrflow.jobs.submit.ClusterRequirements;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Cross-checks between the manifests and the components: ports and health paths they serve, the
 * options they declare, the Flink settings the jobs need, and the references between objects.
 */
class ComponentManifestTest {

  /** Secrets the operators write (Strimzi: cluster CA, one per KafkaUser) and those you create. */
  static final Set<String> OPERATOR_SECRETS = Set.of("ctrflow-cluster-ca-cert");

  static final Set<String> USER_CREATED_SECRETS =
      Set.of("ctrflow-label-queue-secrets", "ctrflow-label-queue-tls");

  static Stream<String> overlays() {
    return Rendered.overlays();
  }

  private static Components service(JsonNode workload) {
    String name = workload.at("/metadata/name").asText();
    return Components.ALL.stream()
        .filter(c -> c.resourceName().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no component for " + name));
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void probesUseThePortsAndHealthPathsTheServersServe(String overlay) {
    List<ObjectNode> objects = Rendered.overlay(overlay);
    for (Components c : List.of(Components.MODEL_SERVER, Components.LABEL_QUEUE)) {
      ObjectNode w =
          objects.stream()
              .filter(o -> o.at("/metadata/name").asText().equals(c.resourceName()))
              .filter(o -> Rendered.workloads(objects).contains(o))
              .findFirst()
              .orElseThrow();
      JsonNode container = Rendered.container(Rendered.podTemplate(w), c.name());
      assertThat(container.at("/ports/0/containerPort").asInt()).isEqualTo(c.httpPort());
      String portName = container.at("/ports/0/name").asText();
      for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
        JsonNode get = container.path(probe).path("httpGet");
        assertThat(get.path("port").asText()).as("%s %s port", c.name(), probe).isEqualTo(portName);
        String expected = probe.equals("readinessProbe") ? c.readyPath() : c.livePath();
        assertThat(get.path("path").asText()).as("%s %s path", c.name(), probe).isEqualTo(expected);
      }
      for (ObjectNode svc : KustomizeRenderer.ofKind(objects, "Service")) {
        if (svc.at("/spec/selector/app.kubernetes.io~1name").asText().equals(c.resourceName())) {
          assertThat(svc.at("/spec/ports/0/targetPort").asText()).isEqualTo(portName);
          assertThat(svc.at("/spec/ports/0/port").asInt()).isEqualTo(c.httpPort());
        }
      }
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyOptionSetInAManifestIsOneTheComponentDeclares(String overlay) {
    for (ObjectNode w : Rendered.workloads(Rendered.overlay(overlay))) {
      Components c = service(w);
      JsonNode args =
          w.path("kind").asText().equals("FlinkDeployment")
              ? w.at("/spec/job/args")
              : Rendered.container(Rendered.podTemplate(w), c.name()).path("args");
      assertThat(args.isArray() && !args.isEmpty()).as(Rendered.id(w)).isTrue();
      for (JsonNode arg : args) {
        String a = arg.asText();
        if (a.startsWith("--") || a.equals(Components.QUEUE_SERVE)) {
          assertThat(c.options()).as("%s sets %s", Rendered.id(w), a).contains(a);
        }
      }
      assertThat(args.toString()).contains("--bootstrap-servers", KafkaClientProperties.OPTION);
    }
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyPodIsScrapedByPrometheusOnAPortItExposes(String overlay) {
    List<ObjectNode> objects = Rendered.overlay(overlay);
    for (ObjectNode w : Rendered.workloads(objects)) {
      JsonNode annotations = Rendered.podTemplate(w).at("/metadata/annotations");
      assertThat(annotations.path("prometheus.io/scrape").asText())
          .as(Rendered.id(w))
          .isEqualTo("true");
      assertThat(annotations.path("prometheus.io/path").asText()).isEqualTo("/metrics");
      int port = annotations.path("prometheus.io/port").asInt();
      assertThat(port).as(Rendered.id(w)).isEqualTo(service(w).httpPort());
      Set<Integer> exposed = new HashSet<>();
      Rendered.podTemplate(w)
          .at("/spec/containers")
          .forEach(c -> c.path("ports").forEach(p -> exposed.add(p.path("containerPort").asInt())));
      assertThat(exposed).as(Rendered.id(w)).contains(port);
      if (w.path("kind").asText().equals("FlinkDeployment")) {
        assertThat(w.at("/spec/flinkConfiguration/metrics.reporter.prom.port").asInt())
            .isEqualTo(port);
      }
    }
    JsonNode kafka = KustomizeRenderer.find(objects, "Kafka", "ctrflow");
    assertThat(kafka.at("/spec/kafka/metricsConfig/type").asText())
        .isEqualTo("strimziMetricsReporter");
    assertThat(
            kafka.at("/spec/kafka/template/pod/metadata/annotations/prometheus.io~1port").asText())
        .isEqualTo("9404");
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void flinkJobsRunAsTheContractsAndStackRequire(String overlay) throws Exception {
    List<String> jvmOptions =
        Files.readAllLines(Rendered.REPO.resolve("bin/jvm.options")).stream()
            .map(String::strip)
            .filter(l -> !l.isEmpty())
            .toList();
    for (Components job : Components.FLINK_JOBS) {
      JsonNode f =
          KustomizeRenderer.find(Rendered.overlay(overlay), "FlinkDeployment", job.resourceName());
      JsonNode conf = f.at("/spec/flinkConfiguration");
      assertThat(f.at("/spec/job/entryClass").asText()).isEqualTo(Components.entryClass(job));
      assertThat(f.at("/spec/job/jarURI").asText())
          .isEqualTo("local:///opt/flink/usrlib/ctrflow-flink-jobs-job.jar");
      assertThat(f.at("/spec/job/upgradeMode").asText()).isEqualTo("savepoint");
      assertThat(conf.path("state.backend.type").asText()).isEqualTo("rocksdb");
      assertThat(conf.path("restart-strategy.type").asText()).isEqualTo("exponential-delay");
      assertThat(conf.path("classloader.parent-first-patterns.additional").asText())
          .contains(ClusterRequirements.DJL_PARENT_FIRST_PATTERNS);
      assertThat(List.of(conf.path("env.java.opts.all").asText().split("\\s+")))
          .as("env.java.opts.all is bin/jvm.options")
          .containsExactlyElementsOf(jvmOptions);
      // Checkpoints and savepoints on the mounted durable volume, one directory per job.
      for (String key :
          List.of("execution.checkpointing.dir", "execution.checkpointing.savepoint-dir")) {
        assertThat(conf.path(key).asText())
            .startsWith("file:///flink-data/")
            .endsWith("/" + job.resourceName());
      }
      JsonNode main = Rendered.container(Rendered.podTemplate(f), "flink-main-container");
      assertThat(main.path("volumeMounts").toString()).contains("\"mountPath\":\"/flink-data\"");
      if (job == Components.TRAINING) {
        assertThat(conf.path("taskmanager.numberOfTaskSlots").asText())
            .as("one GradientCollector per JVM")
            .isEqualTo("1");
      }
      if (overlay.equals("prod")) {
        assertThat(conf.path("high-availability.type").asText()).isEqualTo("kubernetes");
        assertThat(f.at("/spec/jobManager/replicas").asInt()).isEqualTo(2);
      }
    }
  }

  @Test
  void modelServersUseGpusInProdOnlyAndStayAvailable() {
    JsonNode dev =
        KustomizeRenderer.find(Rendered.overlay("dev"), "Deployment", "ctrflow-model-server");
    JsonNode prod =
        KustomizeRenderer.find(Rendered.overlay("prod"), "Deployment", "ctrflow-model-server");
    JsonNode devC = Rendered.container(Rendered.podTemplate(dev), "model-server");
    JsonNode prodC = Rendered.container(Rendered.podTemplate(prod), "model-server");
    assertThat(devC.at("/resources/limits").has("nvidia.com/gpu")).isFalse();
    assertThat(devC.path("args").toString()).contains("\"--device\",\"cpu\"");
    assertThat(prodC.at("/resources/limits/nvidia.com~1gpu").asText()).isEqualTo("1");
    assertThat(prodC.path("args").toString()).contains("\"--device\",\"gpu\"");
    assertThat(prod.at("/spec/template/spec/tolerations/0/key").asText())
        .isEqualTo("nvidia.com/gpu");
    JsonNode pdb =
        KustomizeRenderer.find(
            Rendered.overlay("prod"), "PodDisruptionBudget", "ctrflow-model-server");
    JsonNode hpa =
        KustomizeRenderer.find(
            Rendered.overlay("prod"), "HorizontalPodAutoscaler", "ctrflow-model-server");
    assertThat(hpa.at("/spec/minReplicas").asInt())
        .isGreaterThan(pdb.at("/spec/minAvailable").asInt());
    assertThat(
            KustomizeRenderer.find(
                    Rendered.overlay("dev"), "PodDisruptionBudget", "ctrflow-model-server")
                .at("/spec")
                .has("minAvailable"))
        .isFalse();
  }

  @ParameterizedTest
  @MethodSource("overlays")
  void everyReferenceResolves(String overlay) {
    List<ObjectNode> objects = Rendered.overlay(overlay);
    Set<String> names = new HashSet<>();
    objects.forEach(
        o -> names.add(o.path("kind").asText() + "/" + o.at("/metadata/name").asText()));
    Set<String> secrets = new HashSet<>(OPERATOR_SECRETS);
    secrets.addAll(USER_CREATED_SECRETS);
    KustomizeRenderer.ofKind(objects, "KafkaUser")
        .forEach(u -> secrets.add(u.at("/metadata/name").asText()));
    List<String> broken = new ArrayList<>();
    for (ObjectNode w : Rendered.workloads(objects)) {
      JsonNode pod = Rendered.podTemplate(w);
      Set<String> volumes = new HashSet<>();
      for (JsonNode v : pod.at("/spec/volumes")) {
        volumes.add(v.path("name").asText());
        check(broken, w, v.at("/secret/secretName"), secrets::contains);
        check(broken, w, v.at("/configMap/name"), n -> names.contains("ConfigMap/" + n));
        check(
            broken,
            w,
            v.at("/persistentVolumeClaim/claimName"),
            n -> names.contains("PersistentVolumeClaim/" + n));
      }
      w.at("/spec/volumeClaimTemplates").forEach(t -> volumes.add(t.at("/metadata/name").asText()));
      for (JsonNode c : pod.at("/spec/containers")) {
        for (JsonNode m : c.path("volumeMounts")) {
          if (!volumes.contains(m.path("name").asText())) {
            broken.add(Rendered.id(w) + " mounts missing volume " + m.path("name").asText());
          }
        }
      }
      check(broken, w, w.at("/spec/serviceAccount"), n -> names.contains("ServiceAccount/" + n));
      check(broken, w, w.at("/spec/serviceName"), n -> names.contains("Service/" + n));
    }
    for (ObjectNode svc : KustomizeRenderer.ofKind(objects, "Service")) {
      JsonNode selector = svc.at("/spec/selector");
      boolean selects =
          Rendered.workloads(objects).stream()
              .anyMatch(w -> matches(selector, Rendered.podTemplate(w).at("/metadata/labels")));
      if (!selects) {
        broken.add(Rendered.id(svc) + " selects no pod");
      }
    }
    for (ObjectNode hpa : KustomizeRenderer.ofKind(objects, "HorizontalPodAutoscaler")) {
      check(
          broken, hpa, hpa.at("/spec/scaleTargetRef/name"), n -> names.contains("Deployment/" + n));
    }
    for (ObjectNode pdb : KustomizeRenderer.ofKind(objects, "PodDisruptionBudget")) {
      JsonNode selector = pdb.at("/spec/selector/matchLabels");
      if (Rendered.workloads(objects).stream()
          .noneMatch(w -> matches(selector, Rendered.podTemplate(w).at("/metadata/labels")))) {
        broken.add(Rendered.id(pdb) + " selects no pod");
      }
    }
    for (ObjectNode ing : KustomizeRenderer.ofKind(objects, "Ingress")) {
      for (JsonNode rule : ing.at("/spec/rules")) {
        for (JsonNode path : rule.at("/http/paths")) {
          String svc = path.at("/backend/service/name").asText();
          String port = path.at("/backend/service/port/name").asText();
          boolean ok =
              KustomizeRenderer.ofKind(objects, "Service").stream()
                  .anyMatch(
                      s ->
                          s.at("/metadata/name").asText().equals(svc)
                              && s.at("/spec/ports")
                                  .toString()
                                  .contains("\"name\":\"" + port + "\""));
          if (!ok) {
            broken.add(Rendered.id(ing) + " backend " + svc + ":" + port + " does not exist");
          }
        }
      }
      ing.at("/spec/tls").forEach(t -> check(broken, ing, t.path("secretName"), secrets::contains));
    }
    assertThat(broken).isEmpty();
  }

  private static boolean matches(JsonNode selector, JsonNode labels) {
    if (selector.isMissingNode() || selector.isEmpty()) {
      return false;
    }
    var it = selector.fields();
    while (it.hasNext()) {
      var e = it.next();
      if (!labels.path(e.getKey()).asText().equals(e.getValue().asText())) {
        return false;
      }
    }
    return true;
  }

  private static void check(
      List<String> broken,
      JsonNode owner,
      JsonNode ref,
      java.util.function.Predicate<String> exists) {
    if (!ref.isMissingNode() && !exists.test(ref.asText())) {
      broken.add(Rendered.id(owner) + " refers to missing " + ref.asText());
    }
  }
}
