package org.ctrflow.connectors.replay;

import java.io.Closeable;
import java.io.IOException;

/** Splits a text file into records; blank lines are skipped (they carry no example). */
interface RecordSource extends Closeable {

  /** The next record, or {@code null} at the end of the input. */
  SplitRecord next() throws IOException;
}
