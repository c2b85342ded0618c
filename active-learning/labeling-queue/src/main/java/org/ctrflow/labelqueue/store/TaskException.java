package org.ctrflow.labelqueue.store;

/** A task operation that cannot apply: the task is unknown, or in a state that forbids it. */
public final class TaskException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** What went wrong, mapped to an HTTP status by the API. */
  public enum Kind {
    NOT_FOUND,
    CONFLICT,
    /** The request is well-formed but its result could not be kept (e.g. too large to publish). */
    UNPROCESSABLE
  }

  private final Kind kind;

  public TaskException(Kind kind, String message) {
    super(message);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
