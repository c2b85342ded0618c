package org.ctrflow.labelqueue;

import org.ctrflow.connectors.events.EventRules;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.events.LabelRequest;

/**
 * What the queue asks of a label request beyond the event contract, and the human label a task
 * becomes. A request the queue could never serve or publish is refused at ingest, so that no task
 * exists that nobody can label and no label exists that the publisher cannot send.
 */
public final class TaskRules {

  /** A labeler name as long as a label's may be: the worst case of a label's size. */
  private static final String LONGEST_LABELER = "l".repeat(EventRules.MAX_ID_LENGTH);

  private TaskRules() {}

  /**
   * Checks that {@code request} can become a task.
   *
   * @throws InvalidEventException naming the field and why
   */
  public static void requireQueueable(LabelRequest request) {
    String id = request.sampleId();
    // The labeler page puts the id in a URL path, where browsers resolve "." and ".." (also
    // percent-encoded) as path segments: such a task could never be labeled there.
    if (id.equals(".") || id.equals("..")) {
      throw new InvalidEventException(
          "sampleId", "'" + id + "' cannot be a URL path segment; use another id");
    }
    HumanLabel worst = humanLabel(request, 1, LONGEST_LABELER, Long.MAX_VALUE);
    try {
      publishable(worst);
    } catch (InvalidEventException e) {
      throw new InvalidEventException(
          "$",
          "its human label, with a labeler name of up to "
              + EventRules.MAX_ID_LENGTH
              + " characters, would not fit the event limit ("
              + e.getMessage()
              + "); send fewer or shorter features");
    }
  }

  /** The human label of the task of request {@code r}, weighted 1/p. */
  public static HumanLabel humanLabel(LabelRequest r, int label, String labeler, long now) {
    return new HumanLabel(
        r.sampleId(),
        r.eventTime(),
        now,
        r.features(),
        r.numericFeatures(),
        label,
        r.importanceWeight(),
        labeler);
  }

  /**
   * The label serialized as the publisher sends it.
   *
   * @throws InvalidEventException when the topic's consumers would refuse it (too large)
   */
  public static byte[] publishable(HumanLabel label) {
    byte[] bytes = EventSerde.HUMAN_LABEL.serialize(label);
    EventSerde.HUMAN_LABEL.requireWithinLimit(bytes);
    return bytes;
  }
}
