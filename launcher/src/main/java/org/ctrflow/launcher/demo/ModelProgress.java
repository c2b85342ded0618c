package org.ctrflow.launcher.demo;

/**
 * One model's latest training report and publishing progress, as the dashboard shows it. Metric
 * values are null while undefined (no examples yet, or only one label seen).
 *
 * @param model the model name
 * @param trainedVersion the last version the training job reported publishing
 * @param versionsPublished distinct versions seen on the model-updates topic
 * @param examplesTrained examples learned from
 * @param examplesPerSecond training throughput of the last report
 * @param auc progressive (test-then-train) AUC over every example of this run
 * @param logLoss progressive log loss over every example of this run
 * @param windowAuc progressive AUC over the most recent examples
 * @param windowLogLoss progressive log loss over the most recent examples
 */
record ModelProgress(
    String model,
    long trainedVersion,
    int versionsPublished,
    long examplesTrained,
    double examplesPerSecond,
    Double auc,
    Double logLoss,
    Double windowAuc,
    Double windowLogLoss) {

  static ModelProgress empty(String model) {
    return new ModelProgress(model, 0, 0, 0, 0, null, null, null, null);
  }

  ModelProgress withVersionsPublished(int versions) {
    return new ModelProgress(
        model,
        trainedVersion,
        versions,
        examplesTrained,
        examplesPerSecond,
        auc,
        logLoss,
        windowAuc,
        windowLogLoss);
  }
}
