package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.generator.DriftStep;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.replay.DatasetFormat;
import org.ctrflow.memnet.bench.DriftStream;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;

/**
 * The streams of {@code ctrflow bench adapt}, built from the datasets and the generator:
 *
 * <ul>
 *   <li>{@code frappe-file}: Frappe's train, validation and test files in file order;
 *   <li>{@code frappe-new-users} / {@code frappe-new-items}: all of Frappe's rows re-ordered so
 *       that new users (items) arrive in groups: the distinct users (items) are shuffled with the
 *       seed and cut into groups of {@code group} of them; the stream is group after group, the
 *       rows of a group shuffled with the same seed. Every user's (item's) rows thus arrive within
 *       one stretch, none of them seen before;
 *   <li>{@code drift} / {@code drift-harsh}: 60,000 generated events with the drift scripts of
 *       {@code bench drift} (the harsh one flips four popular categories at once, then adds 2,000
 *       items), with the generator's true click probabilities;
 *   <li>{@code criteo-sample} / {@code avazu-sample}: the small samples in file order (smoke).
 * </ul>
 */
final class AdaptScenarios {

  static final List<String> NAMES =
      List.of(
          "frappe-file",
          "frappe-new-users",
          "frappe-new-items",
          "drift",
          "drift-harsh",
          "criteo-sample",
          "avazu-sample");

  static final String DRIFT_SCRIPT = "20000:flip-segment:category=1,40000:new-items:200";
  static final String HARSH_SCRIPT =
      "20000:flip-segment:category=0,20000:flip-segment:category=1,"
          + "20000:flip-segment:category=2,20000:flip-segment:category=3,40000:new-items:2000";
  static final int DRIFT_EVENTS = 60_000;

  /** Frappe's test file: the rows its published results are on. */
  static final int FRAPPE_TEST_ROWS = 28_860;

  private final Path datasets;
  private final int userGroup;
  private final int itemGroup;
  private final PrintWriter err;
  private EncodedDataset frappe;

  AdaptScenarios(Path datasets, int userGroup, int itemGroup, PrintWriter err) {
    this.datasets = datasets;
    this.userGroup = userGroup;
    this.itemGroup = itemGroup;
    this.err = err;
  }

  /** Whether a scenario's data is here; says why not on {@code err}. */
  boolean available(String scenario) {
    Path needed =
        switch (scenario) {
          case "drift", "drift-harsh" -> null;
          case "criteo-sample" -> datasets.resolve("criteo_sample");
          case "avazu-sample" -> datasets.resolve("avazu_sample");
          default -> datasets.resolve("frappe/nfm_split");
        };
    if (needed == null || Files.isDirectory(needed)) {
      return true;
    }
    err.println("bench adapt: skipping " + scenario + ": " + needed + " is absent");
    return false;
  }

  /** The scenario's streams: one per seed, or one for a file in file order. */
  List<AdaptStream> streams(String scenario, List<Integer> seeds) throws IOException {
    List<AdaptStream> out = new ArrayList<>();
    switch (scenario) {
      case "frappe-file" -> out.add(frappeFile());
      case "frappe-new-users" -> {
        for (int seed : seeds) {
          out.add(grouped(scenario, 0, userGroup, seed));
        }
      }
      case "frappe-new-items" -> {
        for (int seed : seeds) {
          out.add(grouped(scenario, 1, itemGroup, seed));
        }
      }
      case "drift", "drift-harsh" -> {
        for (int seed : seeds) {
          out.add(drift(scenario, scenario.equals("drift") ? DRIFT_SCRIPT : HARSH_SCRIPT, seed));
        }
      }
      case "criteo-sample" ->
          out.add(
              sample(scenario, ModelPreset.CRITEO, "criteo", "criteo_sample/criteo_sample.txt"));
      case "avazu-sample" ->
          out.add(sample(scenario, ModelPreset.AVAZU, "avazu", "avazu_sample/avazu_sample.txt"));
      default ->
          throw new IllegalArgumentException(
              "unknown scenario '" + scenario + "'; valid scenarios: " + String.join(", ", NAMES));
    }
    return out;
  }

  private static Function<String, ModelSetup> defaults(ModelPreset preset) {
    return model -> ModelSetup.resolve(preset, model, true, null);
  }

  private EncodedDataset frappeRows() throws IOException {
    if (frappe == null) {
      Path dir = datasets.resolve("frappe/nfm_split");
      List<Path> files =
          List.of(
              dir.resolve("frappe.train.reconstructed.libfm"),
              dir.resolve("frappe.validation.libfm"),
              dir.resolve("frappe.test.libfm"));
      frappe =
          EncodedDataset.load(
              files,
              DatasetFormat.LIBFM,
              ModelPreset.FRAPPE,
              defaults(ModelPreset.FRAPPE).apply("finalmlp"),
              err);
    }
    return frappe;
  }

  private AdaptStream frappeFile() throws IOException {
    EncodedDataset data = frappeRows();
    return new AdaptStream(
        "frappe-file",
        0,
        defaults(ModelPreset.FRAPPE),
        data.rows(0, data.size()),
        data.labels(0, data.size()),
        null,
        List.of(),
        null,
        FRAPPE_TEST_ROWS);
  }

  /** Frappe's rows with the values of {@code field} arriving in shuffled groups (class notes). */
  private AdaptStream grouped(String scenario, int field, int group, int seed) throws IOException {
    EncodedDataset data = frappeRows();
    int fields = data.fields();
    long[] all = data.rows(0, data.size());
    float[] labels = data.labels(0, data.size());
    Map<Long, List<Integer>> byEntity = new LinkedHashMap<>();
    for (int i = 0; i < data.size(); i++) {
      byEntity.computeIfAbsent(all[i * fields + field], k -> new ArrayList<>()).add(i);
    }
    List<Long> entities = new ArrayList<>(byEntity.keySet());
    entities.sort(null);
    Random random = new Random(seed);
    java.util.Collections.shuffle(entities, random);
    long[] rows = new long[all.length];
    float[] y = new float[labels.length];
    int[] entity = new int[labels.length];
    int next = 0;
    for (int g = 0; g < entities.size(); g += group) {
      List<Integer> members = new ArrayList<>();
      for (Long e : entities.subList(g, Math.min(entities.size(), g + group))) {
        members.addAll(byEntity.get(e));
      }
      java.util.Collections.shuffle(members, random);
      for (int i : members) {
        System.arraycopy(all, i * fields, rows, next * fields, fields);
        y[next] = labels[i];
        entity[next] = (int) all[i * fields + field];
        next++;
      }
    }
    return new AdaptStream(
        scenario, seed, defaults(ModelPreset.FRAPPE), rows, y, entity, List.of(), null, 0);
  }

  /**
   * A generated stream: its schema has one row range per field; the models take the Frappe preset's
   * shape and online settings, sized to it, gated by user and item.
   */
  private static AdaptStream drift(String scenario, String script, int seed) {
    GeneratorConfig generator =
        GeneratorConfig.builder().seed(seed).drift(DriftScript.parse(script)).build();
    DriftStream stream = DriftStream.generate(generator, DRIFT_EVENTS);
    FeatureSchema schema = DriftStream.schema(generator);
    Function<String, ModelSetup> setups =
        model -> {
          ModelSetup frappe = defaults(ModelPreset.FRAPPE).apply(model);
          CtrModelConfig f = frappe.model();
          return new ModelSetup(
              schema,
              f.toBuilder()
                  .setNumRows(stream.numRows())
                  .setNumFields(stream.fields())
                  .optGate1ContextFields(List.of(0))
                  .optGate2ContextFields(List.of(1))
                  .build(),
              frappe.trainer());
        };
    List<Integer> drifts =
        generator.drift().steps().stream()
            .map(DriftStep::atEvent)
            .filter(t -> t < DRIFT_EVENTS)
            .distinct()
            .map(Long::intValue)
            .toList();
    return new AdaptStream(
        scenario, seed, setups, stream.rows(), stream.labels(), null, drifts, stream.teacher(), 0);
  }

  private AdaptStream sample(String scenario, ModelPreset preset, String format, String file)
      throws IOException {
    Function<String, ModelSetup> setups = defaults(preset);
    EncodedDataset data =
        EncodedDataset.load(
            List.of(datasets.resolve(file)),
            DatasetFormat.parse(format),
            preset,
            setups.apply("finalmlp"),
            err);
    return new AdaptStream(
        scenario,
        0,
        setups,
        data.rows(0, data.size()),
        data.labels(0, data.size()),
        null,
        List.of(),
        null,
        0);
  }

  /** Seeds 1 to {@code count}. */
  static List<Integer> seeds(int count) {
    return java.util.stream.IntStream.rangeClosed(1, count).boxed().toList();
  }
}
