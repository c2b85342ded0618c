package org.ctrflow.launcher.demo;

import java.util.List;
import org.ctrflow.connectors.generator.DriftScript;
import org.ctrflow.connectors.generator.DriftStep;

/**
 * Marks each drift step on the status board when the feed crosses its event index, so the charts
 * show where the teacher changed.
 */
final class DriftMarks {

  private final List<DriftStep> steps;
  private final StatusBoard board;
  private int next;

  DriftMarks(DriftScript script, StatusBoard board) {
    this.steps = script.steps();
    this.board = board;
  }

  /** Marks the steps at or below {@code impressions} not yet marked. */
  void check(long impressions) {
    while (next < steps.size() && steps.get(next).atEvent() <= impressions) {
      board.drift(label(steps.get(next++)));
    }
  }

  static String label(DriftStep step) {
    if (step instanceof DriftStep.FlipSegment f) {
      return "flip " + f.field() + "=" + f.value();
    } else if (step instanceof DriftStep.NewItems n) {
      return "+" + n.count() + " items";
    } else if (step instanceof DriftStep.BaseRate b) {
      return "base rate " + b.ctr();
    }
    return step.toString();
  }
}
