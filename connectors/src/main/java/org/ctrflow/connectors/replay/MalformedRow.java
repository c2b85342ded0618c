package org.ctrflow.connectors.replay;

/**
 * A row that could not be read, with the reason.
 *
 * @param lineNumber 1-based line of the file where the row starts
 * @param reason what is wrong, e.g. {@code label must be 0 or 1 (or -1), was 'x'}
 */
public record MalformedRow(long lineNumber, String reason) {

  @Override
  public String toString() {
    return "line " + lineNumber + ": " + reason;
  }
}
