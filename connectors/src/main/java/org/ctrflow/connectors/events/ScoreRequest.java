package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireCategorical;
import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;
import static org.ctrflow.connectors.events.EventRules.requireNumeric;

import java.util.Map;

/**
 * A request to score one candidate. Topic {@code score-requests}, keyed by {@link #requestId()}.
 *
 * @param requestId unique request id, echoed in the prediction
 * @param eventTime when the request was made, epoch milliseconds
 * @param features categorical features (at least one)
 * @param numericFeatures optional numeric features
 */
public record ScoreRequest(
    String requestId,
    long eventTime,
    Map<String, String> features,
    Map<String, Double> numericFeatures)
    implements Event {

  public ScoreRequest {
    requireId("requestId", requestId);
    requireEventTime("eventTime", eventTime);
    features = requireCategorical(features, numericFeatures);
    numericFeatures = requireNumeric(numericFeatures);
  }

  @Override
  public String key() {
    return requestId;
  }
}
