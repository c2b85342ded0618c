package org.ctrflow.jobs.join;

/**
 * Why a click labeled nothing; the reason its dead letter carries. Never thrown: the label join
 * records it, with the click, on the dead-letter topic.
 */
public final class UnattributedClickException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  /** The ways a click can fail to label an impression. */
  public enum Kind {
    /** It arrived after its impression's window had closed with label 0. */
    LATE,
    /** Its event time lies after its impression's attribution window. */
    OUTSIDE_WINDOW,
    /** No impression with its id arrived within the attribution window. */
    ORPHAN
  }

  private final Kind kind;

  UnattributedClickException(Kind kind, String message) {
    // No stack trace: this describes data, not a failure of the code.
    super(message, null, false, false);
    this.kind = kind;
  }

  public Kind kind() {
    return kind;
  }
}
