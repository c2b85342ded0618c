package org.ctrflow.launcher.models;

import java.util.List;
import java.util.function.Function;

/**
 * One stream of the adaptation benchmark, encoded, in the order it is learnt, with what its metrics
 * need.
 *
 * @param scenario e.g. {@code frappe-new-users}
 * @param seed the seed that ordered or generated it (0 for a file in file order)
 * @param setups a model name's schema, model and trainer defaults on the stream's data, before a
 *     variant's overrides
 * @param rows {@code labels.length × F} embedding rows, row-major
 * @param labels 1 for a click
 * @param entities per row, the new entity it belongs to (user or item row), or null when the
 *     scenario has no entities
 * @param drifts the events at which the stream's rules change (empty for none)
 * @param teacher the true click probability of each row where a generator knows it, else null
 * @param tailRows rows at the end scored separately (0 for none)
 */
record AdaptStream(
    String scenario,
    int seed,
    Function<String, ModelSetup> setups,
    long[] rows,
    float[] labels,
    int[] entities,
    List<Integer> drifts,
    double[] teacher,
    int tailRows) {

  int count() {
    return labels.length;
  }

  int fields() {
    return setups.apply("finalmlp").schema().fieldCount();
  }
}
