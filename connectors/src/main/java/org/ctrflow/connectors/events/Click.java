package org.ctrflow.connectors.events;

import static org.ctrflow.connectors.events.EventRules.requireEventTime;
import static org.ctrflow.connectors.events.EventRules.requireId;

/**
 * A user clicked an impression. Topic {@code clicks}, keyed by {@link #impressionId()} so a click
 * lands in the same partition as its impression.
 *
 * @param impressionId id of the clicked impression
 * @param eventTime when the click happened, epoch milliseconds
 */
public record Click(String impressionId, long eventTime) implements Event {

  public Click {
    requireId("impressionId", impressionId);
    requireEventTime("eventTime", eventTime);
  }

  @Override
  public String key() {
    return impressionId;
  }
}
