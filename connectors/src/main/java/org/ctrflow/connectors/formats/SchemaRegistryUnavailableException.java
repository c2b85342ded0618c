package org.ctrflow.connectors.formats;

/**
 * The schema registry could not be asked (down, timed out, answered an error): the record is not at
 * fault, so it must not be dead-lettered; a job fails and retries from its last checkpoint.
 */
public class SchemaRegistryUnavailableException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public SchemaRegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }
}
