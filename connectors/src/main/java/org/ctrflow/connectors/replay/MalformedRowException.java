package org.ctrflow.connectors.replay;

/** Thrown by a reader's row parser; the reader records it as a {@link MalformedRow}. */
final class MalformedRowException extends Exception {

  private static final long serialVersionUID = 1L;

  MalformedRowException(String reason) {
    super(reason, null, false, false);
  }
}
