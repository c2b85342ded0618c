package org.ctrflow.models.archfixture;

import org.apache.flink.api.common.JobID;

/** A planted violation for {@code ArchitectureTest}: a models class that uses Flink. Never run. */
public final class ModelReachesIntoFlink {

  private ModelReachesIntoFlink() {}

  static JobID job() {
    return new JobID();
  }
}
