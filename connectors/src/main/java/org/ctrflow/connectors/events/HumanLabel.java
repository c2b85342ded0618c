package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireBinaryLabel;
import static org.ctrflow.connectors.events.EventRules.requireCategorical;
import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;
import static org.ctrflow.connectors.events.EventRules.requireNumeric;
import static org.ctrflow.connectors.events.EventRules.requirePositiveWeight;

import java.util.Map;

/**
 * A labeler's judgement of a label request. Topic {@code human-labels}, keyed by {@link
 * #sampleId()}. It carries the sample's features so the label join turns it into a training example
 * without looking anything up.
 *
 * @param sampleId id of the labeled sample
 * @param eventTime event time of the sample, epoch milliseconds
 * @param labeledAt when the label was given, epoch milliseconds
 * @param features the sample's categorical features (at least one)
 * @param numericFeatures the sample's numeric features
 * @param label 0 or 1
 * @param weight importance weight 1/p of the query that selected the sample, &gt; 0
 * @param labeler who labeled it, at most {@link EventRules#MAX_ID_LENGTH} characters
 */
public record HumanLabel(
    String sampleId,
    long eventTime,
    long labeledAt,
    Map<String, String> features,
    Map<String, Double> numericFeatures,
    int label,
    double weight,
    String labeler)
    implements Event {

  public HumanLabel {
    requireId("sampleId", sampleId);
    requireEventTime("eventTime", eventTime);
    requireEventTime("labeledAt", labeledAt);
    features = requireCategorical(features, numericFeatures);
    numericFeatures = requireNumeric(numericFeatures);
    requireBinaryLabel("label", label);
    requirePositiveWeight("weight", weight);
    // An id: bounded, so that a label's size is bounded by its request's.
    requireId("labeler", labeler);
  }

  /** This label as a training example. */
  public LabeledExample toExample() {
    return new LabeledExample(
        sampleId, eventTime, features, numericFeatures, label, weight, LabelSource.HUMAN);
  }

  @Override
  public String key() {
    return sampleId;
  }
}
