package org.ctrflow.models.blocks;

import java.util.List;

/** Argument checks whose messages name the value, what was found, and what is valid. */
final class Checks {

  private Checks() {}

  static void positive(String name, long value) {
    if (value <= 0) {
      throw new IllegalArgumentException(name + " must be positive, got " + value);
    }
  }

  static void dropoutRate(String name, float rate) {
    if (!(rate >= 0f && rate < 1f)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + rate);
    }
  }

  static List<Integer> positiveUnits(String name, List<Integer> units) {
    if (units == null) {
      throw new IllegalArgumentException(name + " must be a list of layer widths, e.g. [400]");
    }
    for (Integer u : units) {
      if (u == null || u <= 0) {
        throw new IllegalArgumentException(
            name + " must hold positive layer widths, e.g. [400, 400], got " + units);
      }
    }
    return List.copyOf(units);
  }

  /** Field indices must be distinct and in [0, numFields). */
  static List<Integer> fieldIndices(String name, List<Integer> fields, int numFields) {
    if (fields == null) {
      throw new IllegalArgumentException(name + " must be a list (empty for none), got null");
    }
    if (fields.stream().distinct().count() != fields.size()) {
      throw new IllegalArgumentException(name + " must not repeat a field, got " + fields);
    }
    for (Integer f : fields) {
      if (f == null || f < 0 || f >= numFields) {
        throw new IllegalArgumentException(
            name + " must be field indices in [0, " + numFields + "), got " + fields);
      }
    }
    return List.copyOf(fields);
  }
}
