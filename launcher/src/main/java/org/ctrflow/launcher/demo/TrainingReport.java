package org.ctrflow.launcher.demo;

import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.TrainingMetrics;

/**
 * Reads the training job's {@link TrainingMetrics} from the metrics topic into a {@link
 * ModelProgress}. Records of other sources on that topic are not training reports and yield null; a
 * training report that breaks the event's contract fails with the strict serde's error, which names
 * the field.
 */
final class TrainingReport {

  private TrainingReport() {}

  /**
   * @param key the record's key; training reports are keyed {@code training/<model>}
   * @return the report, or null when the record is not a training report
   * @throws org.ctrflow.connectors.events.InvalidEventException for a malformed training report
   */
  static ModelProgress parse(String key, byte[] value) {
    if (key == null || !key.startsWith("training/")) {
      return null;
    }
    TrainingMetrics m = EventSerde.TRAINING_METRICS.deserialize(value);
    return new ModelProgress(
        m.modelName(),
        m.modelVersion(),
        0,
        m.examplesTrained(),
        m.examplesPerSecond(),
        m.overall().auc(),
        m.overall().logLoss(),
        m.window().auc(),
        m.window().logLoss());
  }
}
