package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireCategorical;
import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;
import static org.ctrflow.connectors.events.EventRules.requireNumeric;

import java.util.Map;

/**
 * An item was shown to a user. Topic {@code impressions}, keyed by {@link #id()}.
 *
 * @param id unique impression id; clicks refer to it
 * @param eventTime when the impression happened, epoch milliseconds
 * @param features categorical features, field name to value (at least one)
 * @param numericFeatures optional numeric features, field name to finite value
 */
public record Impression(
    String id, long eventTime, Map<String, String> features, Map<String, Double> numericFeatures)
    implements Event {

  public Impression {
    requireId("id", id);
    requireEventTime("eventTime", eventTime);
    features = requireCategorical(features, numericFeatures);
    numericFeatures = requireNumeric(numericFeatures);
  }

  @Override
  public String key() {
    return id;
  }
}
