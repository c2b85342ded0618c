package org.ctrflow.connectors.replay;

import java.util.List;

/**
 * One record split into fields, before interpretation.
 *
 * @param lineNumber 1-based line where the record starts
 * @param fields the record's fields, unquoted
 * @param problem why the record could not be split (an unterminated quote), or {@code null}
 */
record SplitRecord(long lineNumber, List<String> fields, String problem) {}
