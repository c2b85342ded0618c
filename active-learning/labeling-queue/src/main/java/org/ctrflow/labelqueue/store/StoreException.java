package org.ctrflow.labelqueue.store;

/** The queue database failed; the service cannot continue safely and stops. */
public final class StoreException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public StoreException(String message, Throwable cause) {
    super(message, cause);
  }

  public StoreException(String message) {
    super(message);
  }
}
