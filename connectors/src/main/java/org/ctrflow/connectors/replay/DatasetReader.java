package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Streams the rows of one dataset file, one record in memory at a time. Malformed rows do not stop
 * the reader: they are skipped and recorded in {@link #malformed()} with their line numbers. Blank
 * lines are skipped silently (trailing newlines and separators between blocks are common and carry
 * no example). Use with try-with-resources.
 */
public abstract class DatasetReader implements Iterator<DatasetRow>, AutoCloseable {

  private final RecordSource source;
  private final String name;
  private final MalformedRows malformed = new MalformedRows();
  private DatasetRow next;
  private boolean done;

  DatasetReader(RecordSource source, String name) {
    this.source = source;
    this.name = name;
  }

  /**
   * Interprets one record.
   *
   * @throws MalformedRowException saying what is wrong with it
   */
  abstract DatasetRow parse(SplitRecord record) throws MalformedRowException;

  /** The file's name, for messages and default impression ids. */
  public String name() {
    return name;
  }

  /** The malformed rows seen so far. */
  public MalformedRows malformed() {
    return malformed;
  }

  @Override
  public boolean hasNext() {
    while (next == null && !done) {
      SplitRecord record = nextRecord();
      if (record == null) {
        done = true;
      } else if (record.problem() != null) {
        malformed.add(record.lineNumber(), record.problem());
      } else {
        try {
          next = parse(record);
        } catch (MalformedRowException e) {
          malformed.add(record.lineNumber(), e.getMessage());
        }
      }
    }
    return next != null;
  }

  @Override
  public DatasetRow next() {
    if (!hasNext()) {
      throw new NoSuchElementException("no more rows in " + name);
    }
    DatasetRow row = next;
    next = null;
    return row;
  }

  /** The remaining rows as a sequential stream; closing the stream does not close the reader. */
  public Stream<DatasetRow> stream() {
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(this, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  /** The next raw record, bypassing {@link #parse}: for header lines. */
  SplitRecord nextRecord() {
    try {
      return source.next();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + name + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() throws IOException {
    source.close();
  }

  /** Parses a 0/1 label; libFM's and some CSV exports' {@code -1} means negative too. */
  static int label(String text) throws MalformedRowException {
    return switch (text.trim()) {
      case "1", "+1", "1.0" -> 1;
      case "0", "-1", "0.0", "-1.0" -> 0;
      default -> throw new MalformedRowException("label must be 1, 0 or -1, was '" + text + "'");
    };
  }

  /** Parses a finite number, naming the field when it is not one. */
  static double number(String field, String text) throws MalformedRowException {
    try {
      double value = Double.parseDouble(text);
      if (Double.isFinite(value)) {
        return value;
      }
    } catch (NumberFormatException e) {
      // reported below, with the field's name
    }
    throw new MalformedRowException(field + " must be a finite number, was '" + text + "'");
  }
}
