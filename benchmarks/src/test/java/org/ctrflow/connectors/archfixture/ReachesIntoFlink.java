package org.ctrflow.connectors.archfixture;

/** A contracts-layer class that breaks the layering on purpose: proves the rules can fail. */
public final class ReachesIntoFlink {

  public String job() {
    return org.apache.flink.api.common.JobID.generate().toString()
        + org.ctrflow.launcher.StateDir.resolve();
  }
}
