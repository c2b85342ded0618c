package org.ctrflow.connectors.generator;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The drift steps of a generated stream, in event order. Written compactly as comma-separated
 * {@code <event>:<kind>:<argument>} steps:
 *
 * <ul>
 *   <li>{@code 50000:flip-segment:category=7} - see {@link DriftStep.FlipSegment}
 *   <li>{@code 100000:new-items:200} - see {@link DriftStep.NewItems}
 *   <li>{@code 150000:base-rate:0.05} - see {@link DriftStep.BaseRate}
 * </ul>
 *
 * {@code none} is the empty script.
 */
public record DriftScript(List<DriftStep> steps) {

  /** The demo's script: a segment flip, then new items, then a lower base rate. */
  public static final String DEMO_SPEC =
      "60000:flip-segment:category=1,120000:new-items:200,160000:base-rate:0.05";

  private static final String EXAMPLE =
      "e.g. '50000:flip-segment:category=7,100000:new-items:200,150000:base-rate:0.05' or 'none'";

  public DriftScript {
    steps = steps.stream().sorted(Comparator.comparingLong(DriftStep::atEvent)).toList();
  }

  public static DriftScript none() {
    return new DriftScript(List.of());
  }

  /**
   * Parses the compact form.
   *
   * @throws IllegalArgumentException naming the step at fault and showing a valid script
   */
  public static DriftScript parse(String spec) {
    if (spec.isBlank() || spec.strip().equalsIgnoreCase("none")) {
      return none();
    }
    List<DriftStep> steps = new ArrayList<>();
    for (String step : spec.split(",")) {
      steps.add(parseStep(step.strip()));
    }
    return new DriftScript(steps);
  }

  private static DriftStep parseStep(String step) {
    String[] parts = step.split(":", 3);
    if (parts.length != 3) {
      throw invalid(step, "expected <event>:<kind>:<argument>");
    }
    try {
      long at = Long.parseLong(parts[0].strip());
      if (at < 0) {
        throw invalid(step, "the event index must be >= 0");
      }
      String argument = parts[2].strip();
      return switch (parts[1].strip()) {
        case "flip-segment" -> {
          String[] segment = argument.split("=", 2);
          if (segment.length != 2 || segment[0].isBlank()) {
            throw invalid(step, "flip-segment takes <field>=<value id>, e.g. category=7");
          }
          yield new DriftStep.FlipSegment(
              at, segment[0].strip(), Integer.parseInt(segment[1].strip()));
        }
        case "new-items" -> {
          int count = Integer.parseInt(argument);
          if (count <= 0) {
            throw invalid(step, "new-items takes a positive item count, e.g. 200");
          }
          yield new DriftStep.NewItems(at, count);
        }
        case "base-rate" -> {
          double ctr = Double.parseDouble(argument);
          if (!(ctr > 0 && ctr < 1)) {
            throw invalid(step, "base-rate takes a CTR strictly between 0 and 1, e.g. 0.05");
          }
          yield new DriftStep.BaseRate(at, ctr);
        }
        default ->
            throw invalid(
                step, "unknown kind '" + parts[1] + "'; kinds: flip-segment, new-items, base-rate");
      };
    } catch (NumberFormatException e) {
      throw invalid(step, "not a number: " + e.getMessage());
    }
  }

  private static IllegalArgumentException invalid(String step, String problem) {
    return new IllegalArgumentException(
        "drift step '" + step + "': " + problem + "; a valid script looks like " + EXAMPLE);
  }
}
