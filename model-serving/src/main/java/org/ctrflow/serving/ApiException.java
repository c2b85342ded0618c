package org.ctrflow.serving;

/**
 * A request the server refuses, with the HTTP status and a message that starts with the field at
 * fault (e.g. {@code inputs[1].data[3]: must be a number, was "abc"}); sent as {@code {"error":
 * message}}, the Open Inference Protocol's error body, with a {@code Retry-After} header when the
 * refusal is for now only.
 */
final class ApiException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final int status;
  private final int retryAfterSeconds;

  ApiException(int status, String message) {
    this(status, message, 0);
  }

  private ApiException(int status, String message, int retryAfterSeconds) {
    super(message, null, false, false);
    this.status = status;
    this.retryAfterSeconds = retryAfterSeconds;
  }

  static ApiException badRequest(String message) {
    return new ApiException(400, message);
  }

  /**
   * The server has no room for the request now: {@code status} (429 when a model's queue is full,
   * 503 when the server as a whole is) with "server busy: {@code why}" and Retry-After.
   */
  static ApiException busy(int status, String why, int retryAfterSeconds) {
    return new ApiException(status, "server busy: " + why, retryAfterSeconds);
  }

  int status() {
    return status;
  }

  /** Seconds for the Retry-After header; 0 sends none. */
  int retryAfterSeconds() {
    return retryAfterSeconds;
  }
}
