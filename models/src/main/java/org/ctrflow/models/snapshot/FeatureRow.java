package org.ctrflow.models.snapshot;

import java.util.Map;
import java.util.Objects;

/**
 * One example to score: the feature maps a {@code FeatureEncoder} reads. The maps are referenced,
 * not copied, to keep scoring free of per-row copies.
 */
public record FeatureRow(Map<String, String> categorical, Map<String, Double> numeric) {

  public FeatureRow {
    Objects.requireNonNull(categorical, "categorical");
    Objects.requireNonNull(numeric, "numeric");
  }
}
