package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;
import static org.ctrflow.connectors.events.EventRules.requireProbability;
import static org.ctrflow.connectors.events.EventRules.requireText;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A scored request. Topic {@code predictions}, keyed by {@link #requestId()}. Every prediction is
 * stamped with the model and version that produced it.
 *
 * @param requestId id of the scored request
 * @param eventTime event time of the request, epoch milliseconds
 * @param score predicted click probability in [0, 1]
 * @param modelName model that produced {@link #score()}
 * @param modelVersion version of that model, &gt;= 0
 * @param modelScores each deployed model's score (the ensemble's members), each in [0, 1]
 * @param uncertainty how unsure the models are, in [0, 1] (strategy-defined)
 */
public record Prediction(
    String requestId,
    long eventTime,
    double score,
    String modelName,
    long modelVersion,
    Map<String, Double> modelScores,
    double uncertainty)
    implements Event {

  public Prediction {
    requireId("requestId", requestId);
    requireEventTime("eventTime", eventTime);
    requireProbability("score", score);
    requireText("modelName", modelName);
    if (modelVersion < 0) {
      throw new InvalidEventException("modelVersion", "must be >= 0, was " + modelVersion);
    }
    Map<String, Double> scores = new LinkedHashMap<>();
    if (modelScores != null) {
      modelScores.forEach(
          (model, s) -> {
            requireText("modelScores", model);
            if (s == null) {
              throw new InvalidEventException("modelScores." + model, "is required");
            }
            scores.put(model, requireProbability("modelScores." + model, s));
          });
    }
    modelScores = java.util.Collections.unmodifiableMap(scores);
    requireProbability("uncertainty", uncertainty);
  }

  @Override
  public String key() {
    return requestId;
  }
}
