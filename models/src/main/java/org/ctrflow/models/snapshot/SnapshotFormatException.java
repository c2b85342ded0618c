package org.ctrflow.models.snapshot;

import java.io.IOException;

/**
 * A snapshot, delta or delta chunk set that cannot be loaded or applied. {@link #reason()} says
 * which rule it broke, so callers can react (e.g. a version gap means "fetch the latest snapshot")
 * without parsing the message; the message names what is wrong and where.
 */
public final class SnapshotFormatException extends IOException {

  private static final long serialVersionUID = 1L;

  /** The rule a snapshot or delta broke. */
  public enum Reason {
    /** The bytes do not start with the expected magic number: not this kind of file. */
    BAD_MAGIC,
    /** A format version this build does not read. */
    UNKNOWN_VERSION,
    /** Fewer bytes than the header announces, or a section that ends early. */
    TRUNCATED,
    /** The SHA-256 over the content does not match the recorded one. */
    CHECKSUM_MISMATCH,
    /** The schema or config JSON inside the file is invalid. */
    BAD_METADATA,
    /** A tensor's name or shape differs from what the architecture needs. */
    SHAPE_MISMATCH,
    /** A weight is NaN or infinite. */
    NON_FINITE,
    /** A delta's base version is not the model's version. */
    VERSION_GAP,
    /** A delta for another model name. */
    MODEL_MISMATCH,
    /** A delta's embedding row is negative, out of the table or out of order. */
    ROW_OUT_OF_RANGE,
    /** A delta chunk set lacks an index in [0, chunkCount). */
    MISSING_CHUNK,
    /** A delta chunk set holds an index twice. */
    DUPLICATE_CHUNK,
    /** Chunks of one set disagree on model, versions, size, checksum or count. */
    INCONSISTENT_CHUNKS,
    /** A delta announced larger than the reader holds. */
    TOO_LARGE
  }

  private final Reason reason;

  public SnapshotFormatException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public SnapshotFormatException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
