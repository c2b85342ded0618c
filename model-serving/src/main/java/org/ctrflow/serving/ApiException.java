package org.ctrflow.serving;

/**
 * A request the server refuses, with the HTTP status and a message that starts with the field at
 * fault (e.g. {@code inputs[1].data[3]: must be a number, was "abc"}); sent as {@code {"error":
 * message}}, the Open Inference Protocol's error body.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;

  ApiException(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  int status() {
    return status;
  }
}
