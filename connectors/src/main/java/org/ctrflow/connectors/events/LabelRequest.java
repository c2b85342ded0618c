package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireCategorical;
import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;
import static org.ctrflow.connectors.events.EventRules.requireNumeric;
import static org.ctrflow.connectors.events.EventRules.requireProbability;
import static org.ctrflow.connectors.events.EventRules.requireText;

import java.util.Map;

/**
 * A sample the models are unsure of, routed to the labeling queue. Topic {@code label-requests},
 * keyed by {@link #sampleId()}; the queue is idempotent on it.
 *
 * @param sampleId unique sample id
 * @param eventTime event time of the sample, epoch milliseconds
 * @param features categorical features shown to the labeler (at least one)
 * @param numericFeatures optional numeric features
 * @param score the deployed model's score in [0, 1]
 * @param uncertainty the query strategy's uncertainty in [0, 1]; the queue serves high first
 * @param queryProbability probability p in (0, 1] with which the sample was selected; its human
 *     label carries importance weight 1/p
 * @param strategy name of the query strategy that selected it
 * @param modelName model whose score is given
 * @param modelVersion version of that model
 */
public record LabelRequest(
    String sampleId,
    long eventTime,
    Map<String, String> features,
    Map<String, Double> numericFeatures,
    double score,
    double uncertainty,
    double queryProbability,
    String strategy,
    String modelName,
    long modelVersion)
    implements Event {

  public LabelRequest {
    requireId("sampleId", sampleId);
    requireEventTime("eventTime", eventTime);
    features = requireCategorical(features, numericFeatures);
    numericFeatures = requireNumeric(numericFeatures);
    requireProbability("score", score);
    requireProbability("uncertainty", uncertainty);
    requireProbability("queryProbability", queryProbability);
    if (queryProbability == 0.0) {
      throw new InvalidEventException(
          "queryProbability", "must be > 0: a sample selected with p = 0 cannot be weighted 1/p");
    }
    requireText("strategy", strategy);
    requireText("modelName", modelName);
    if (modelVersion < 0) {
      throw new InvalidEventException("modelVersion", "must be >= 0, was " + modelVersion);
    }
  }

  /** The importance weight a human label of this sample carries: 1/p. */
  public double importanceWeight() {
    return 1.0 / queryProbability;
  }

  @Override
  public String key() {
    return sampleId;
  }
}
