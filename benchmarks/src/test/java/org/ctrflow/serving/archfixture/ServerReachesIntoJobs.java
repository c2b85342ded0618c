package org.ctrflow.serving.archfixture;

import org.ctrflow.jobs.training.TrainingJobOptions;

/**
 * A planted violation for {@code ArchitectureTest}: a serving class that uses the Flink jobs. Never
 * run.
 */
public final class ServerReachesIntoJobs {

  private ServerReachesIntoJobs() {}

  static Class<?> options() {
    return TrainingJobOptions.class;
  }
}
