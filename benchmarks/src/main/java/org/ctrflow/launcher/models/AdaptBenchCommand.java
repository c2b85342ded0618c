package org.ctrflow.launcher.models;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.ctrflow.memnet.bench.SvgPlot;
import org.ctrflow.models.blocks.CtrModels;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code ctrflow bench adapt}: how fast models learn where data is new. Every variant runs
 * test-then-train over every stream of the chosen scenarios ({@link AdaptScenarios}) through the
 * same {@code OnlineTrainer}; one table gives, per scenario and variant, whole-stream AUC and log
 * loss (mean over the scenario's seeds), the tail's, the log loss of each new entity's first 8, 32
 * and 128 rows, and the excess log loss after each drift; {@code --compare A,B} adds paired
 * differences with bootstrap 95% intervals.
 */
@Command(
    name = "adapt",
    mixinStandardHelpOptions = true,
    description = {
      "Adaptation benchmark: test-then-train over Frappe in file order, Frappe re-ordered so that",
      "new users / new items arrive in groups (several seeds), generated streams with drifts, and",
      "the Criteo and Avazu samples; one table of AUC, log loss, new entities' first-rows log loss",
      "and drift excess log loss per scenario and variant."
    })
final class AdaptBenchCommand implements Callable<Integer> {

  @Spec CommandSpec spec;

  @Option(
      names = "--scenarios",
      split = ",",
      description =
          "Scenarios, comma-separated: frappe-file, frappe-new-users, frappe-new-items, drift,"
              + " drift-harsh, criteo-sample, avazu-sample.")
  List<String> scenarios = AdaptScenarios.NAMES;

  @Option(
      names = "--variant",
      description = {
        "A variant: LABEL=MODEL, LABEL=MODEL@CONFIG.json or LABEL=MODEL@{json}, the config as",
        "for 'prequential --config' ({\"model\": {...}, \"trainer\": {...}}) over each scenario's",
        "defaults; repeat for several."
      })
  List<String> variants = List.of("ftrl=ftrl", "fm=fm", "finalmlp=finalmlp", "hybrid=hybrid");

  @Option(
      names = "--seeds",
      defaultValue = "3",
      description = "Seeds of the re-ordered and generated streams: 1 to N.")
  int seeds;

  @Option(
      names = "--compare",
      description = "A,B: paired differences of variant B against A, with 95% intervals.")
  List<String> compare = List.of();

  @Option(
      names = "--user-group",
      defaultValue = "20",
      description = "New users per group in frappe-new-users.")
  int userGroup;

  @Option(
      names = "--item-group",
      defaultValue = "80",
      description = "New items per group in frappe-new-items.")
  int itemGroup;

  @Option(
      names = "--datasets",
      description = "The datasets folder; unset: ../shared/datasets beside the checkout.")
  Path datasets;

  @Option(names = "--plot", description = "Folder for one SVG of windowed log loss per scenario.")
  Path plot;

  /** A variant as given: label, model and its config overrides. */
  record Variant(String label, String model, String config) {

    static Variant parse(String spec) {
      int eq = spec.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException(
            "--variant must be LABEL=MODEL[@CONFIG], e.g. ftrl=ftrl; got '" + spec + "'");
      }
      String rest = spec.substring(eq + 1);
      int at = rest.indexOf('@');
      String model = at < 0 ? rest : rest.substring(0, at);
      if (!CtrModels.names().contains(model)) {
        throw new IllegalArgumentException(
            "--variant "
                + spec
                + ": unknown model '"
                + model
                + "'; valid models: "
                + String.join(", ", CtrModels.names()));
      }
      return new Variant(spec.substring(0, eq), model, at < 0 ? null : rest.substring(at + 1));
    }

    ModelSetup setup(AdaptStream stream) {
      ModelSetup base = stream.setups().apply(model);
      if (config == null) {
        return base;
      }
      if (config.startsWith("{")) {
        return base.overridden(config, "variant " + label);
      }
      return base.overridden(Path.of(config));
    }
  }

  @Override
  public Integer call() throws IOException {
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    List<Variant> chosen;
    List<String[]> pairs = new ArrayList<>();
    try {
      chosen = variants.stream().map(Variant::parse).toList();
      if (chosen.stream().map(Variant::label).distinct().count() != chosen.size()) {
        throw new IllegalArgumentException("--variant labels must differ: " + variants);
      }
      for (String c : compare) {
        String[] ab = c.split(",");
        if (ab.length != 2
            || chosen.stream().noneMatch(v -> v.label().equals(ab[0]))
            || chosen.stream().noneMatch(v -> v.label().equals(ab[1]))) {
          throw new IllegalArgumentException(
              "--compare must name two variant labels, A,B; got '" + c + "'");
        }
        pairs.add(ab);
      }
      if (seeds < 1) {
        throw new IllegalArgumentException("--seeds must be >= 1, got " + seeds);
      }
      for (String s : scenarios) {
        if (!AdaptScenarios.NAMES.contains(s)) {
          throw new IllegalArgumentException(
              "unknown scenario '" + s + "'; valid: " + String.join(", ", AdaptScenarios.NAMES));
        }
      }
    } catch (IllegalArgumentException e) {
      err.println("bench adapt: " + e.getMessage());
      return 2;
    }
    Path data =
        datasets != null
            ? datasets
            : Path.of(System.getProperty("ctrflow.home", ".")).resolve("../shared/datasets");
    AdaptScenarios built = new AdaptScenarios(data, userGroup, itemGroup, err);
    AdaptTable table = new AdaptTable();
    for (String scenario : scenarios) {
      if (!built.available(scenario)) {
        continue;
      }
      List<AdaptStream> streams = built.streams(scenario, AdaptScenarios.seeds(seeds));
      Map<String, List<AdaptResult>> byVariant = new LinkedHashMap<>();
      for (Variant variant : chosen) {
        List<AdaptResult> results = new ArrayList<>();
        for (AdaptStream stream : streams) {
          ModelSetup setup;
          try {
            setup = variant.setup(stream);
          } catch (IllegalArgumentException e) {
            err.println("bench adapt: " + e.getMessage());
            return 2;
          }
          AdaptResult r = AdaptRun.run(stream, setup);
          err.printf(
              Locale.ROOT,
              "bench adapt: %s seed %d %s: AUC %.4f, log loss %.4f, %,.0f rows/s%n",
              scenario,
              stream.seed(),
              variant.label(),
              r.auc(),
              r.logLoss(),
              r.samplesPerSecond());
          err.flush();
          results.add(r);
        }
        byVariant.put(variant.label(), results);
      }
      table.add(scenario, streams, byVariant);
      if (plot != null) {
        writePlot(scenario, streams.get(0), byVariant);
      }
    }
    table.print(out);
    for (String[] ab : pairs) {
      table.printComparison(out, ab[0], ab[1]);
    }
    out.flush();
    return 0;
  }

  private void writePlot(
      String scenario, AdaptStream first, Map<String, List<AdaptResult>> byVariant)
      throws IOException {
    Files.createDirectories(plot);
    List<SvgPlot.Line> lines = new ArrayList<>();
    byVariant.forEach(
        (label, results) -> lines.add(new SvgPlot.Line(label, results.get(0).windowed())));
    Path file = plot.resolve("adapt-" + scenario + ".svg");
    Files.writeString(
        file,
        SvgPlot.render(
            scenario
                + (first.seed() > 0 ? " (seed " + first.seed() + ")" : "")
                + ": log loss over the last "
                + AdaptResult.PLOT_WINDOW
                + " rows",
            lines,
            first.drifts().stream().map(Integer::longValue).toList()));
    spec.commandLine().getErr().println("bench adapt: wrote " + file);
  }
}
