package org.ctrflow.jobs.submit;

/**
 * What a Flink cluster running ctrflow's jobs must be configured with, declared once for every
 * place that configures one (the launcher's local cluster, the k8s FlinkDeployments).
 */
public final class ClusterRequirements {

  private ClusterRequirements() {}

  /**
   * Value of {@code classloader.parent-first-patterns.additional}: DJL is loaded from the cluster's
   * class path, never child-first from a job jar, because PyTorch's native library loads once per
   * JVM and a second class loader reloading it breaks a failover inside the same TaskManager.
   */
  public static final String DJL_PARENT_FIRST_PATTERNS = "ai.djl.";
}
