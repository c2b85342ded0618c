package org.ctrflow.connectors.replay;

/** Events could not be delivered; the message says where and, when known, how to fix it. */
public class PublishException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public PublishException(String message, Throwable cause) {
    super(message, cause);
  }
}
