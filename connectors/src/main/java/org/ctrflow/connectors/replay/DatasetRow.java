package org.ctrflow.connectors.replay;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One labelled example read from a dataset file.
 *
 * @param lineNumber 1-based line of the file where the row starts
 * @param label 1 for a positive (clicked) row, 0 for a negative one
 * @param categorical categorical features, field name to value, in file order
 * @param numeric numeric features, field name to value, in file order
 * @param id the row's own id when the file has one (Avazu's {@code id}, a CSV id column)
 * @param eventTime the row's event time in epoch milliseconds when the file has one
 */
public record DatasetRow(
    long lineNumber,
    int label,
    Map<String, String> categorical,
    Map<String, Double> numeric,
    Optional<String> id,
    OptionalLong eventTime) {

  public DatasetRow {
    if (label != 0 && label != 1) {
      throw new IllegalArgumentException("label must be 0 or 1, was " + label);
    }
    // Copies that keep the file's column order, unlike Map.copyOf.
    categorical = Collections.unmodifiableMap(new LinkedHashMap<>(categorical));
    numeric = Collections.unmodifiableMap(new LinkedHashMap<>(numeric));
  }

  public boolean positive() {
    return label == 1;
  }
}
