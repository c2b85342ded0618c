package org.ctrflow.launcher.submit;

/** The Flink jobs {@code ctrflow submit} runs, by the name users type. */
public enum FlinkJob {
  JOIN("org.ctrflow.jobs.join.LabelJoinJob"),
  TRAINING("org.ctrflow.jobs.training.TrainingJob"),
  SCORING("org.ctrflow.jobs.scoring.ScoringJob");

  private final String entryClass;

  FlinkJob(String entryClass) {
    this.entryClass = entryClass;
  }

  /** The class whose {@code main} builds and runs the job, inside the job jar. */
  public String entryClass() {
    return entryClass;
  }
}
