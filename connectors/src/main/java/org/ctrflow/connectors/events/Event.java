package org.ctrflow.connectors.events;

/** An event on one of ctrflow's topics. Implementations validate themselves on construction. */
public sealed interface Event
    permits Impression,
        Click,
        LabeledExample,
        ScoreRequest,
        Prediction,
        LabelRequest,
        HumanLabel,
        ModelUpdate,
        DeadLetter,
        TrainingMetrics {

  /** The Kafka record key: events with the same key land in the same partition, in order. */
  String key();
}
