package org.ctrflow.connectors.events;

import com.fasterxml.jackson.annotation.JsonProperty;

/** Where a labeled example's label came from. */
public enum LabelSource {
  /** The label join: a click within the attribution window is 1, none is 0. */
  @JsonProperty("click-join")
  CLICK_JOIN,
  /** A human labeler, through the labeling queue. */
  @JsonProperty("human")
  HUMAN,
  /** A replayed dataset row. */
  @JsonProperty("replay")
  REPLAY
}
