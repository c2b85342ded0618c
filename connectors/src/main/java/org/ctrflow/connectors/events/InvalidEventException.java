package org.ctrflow.connectors.events;

/**
 * An event that breaks its contract. The message always names the offending field, e.g. {@code
 * numericFeatures.price: must be a finite number, was NaN}, so the dead-letter topic tells the
 * producer what to fix.
 */
public class InvalidEventException extends IllegalArgumentException {

  private static final long serialVersionUID = 1L;

  private final String field;

  public InvalidEventException(String field, String problem) {
    super(field + ": " + problem);
    this.field = field;
  }

  public InvalidEventException(String field, String problem, Throwable cause) {
    super(field + ": " + problem, cause);
    this.field = field;
  }

  /** The field at fault, as a dotted path from the event's root ({@code $} for the whole event). */
  public String field() {
    return field;
  }
}
