package org.ctrflow.launcher.cluster;

/** A cluster operation that failed for a reason the user can act on; the message says which. */
public final class ClusterException extends Exception {

  public ClusterException(String message) {
    super(message);
  }
}
