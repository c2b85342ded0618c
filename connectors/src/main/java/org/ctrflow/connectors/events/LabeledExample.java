package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireBinaryLabel;
import static org.ctrflow.connectors.events.EventRules.requireCategorical;
import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;
import static org.ctrflow.connectors.events.EventRules.requireNumeric;
import static org.ctrflow.connectors.events.EventRules.requirePositiveWeight;
import static org.ctrflow.connectors.events.EventRules.requirePresent;

import java.util.Map;

/**
 * A training example. Topic {@code labeled-examples}, keyed by {@link #id()}.
 *
 * @param id id of the impression or sample the label belongs to
 * @param eventTime event time of the labeled impression, epoch milliseconds
 * @param features categorical features (at least one)
 * @param numericFeatures optional numeric features
 * @param label 1 for a click (or a positive human judgement), else 0
 * @param weight importance weight, finite and &gt; 0 (1 for click-join; 1/p for a human label
 *     queried with probability p)
 * @param source where the label came from
 */
public record LabeledExample(
    String id,
    long eventTime,
    Map<String, String> features,
    Map<String, Double> numericFeatures,
    int label,
    double weight,
    LabelSource source)
    implements Event {

  public LabeledExample {
    requireId("id", id);
    requireEventTime("eventTime", eventTime);
    features = requireCategorical(features, numericFeatures);
    numericFeatures = requireNumeric(numericFeatures);
    requireBinaryLabel("label", label);
    requirePositiveWeight("weight", weight);
    requirePresent("source", source);
  }

  @Override
  public String key() {
    return id;
  }
}
