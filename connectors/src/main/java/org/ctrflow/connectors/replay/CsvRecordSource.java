package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.io.Reader;
import java.util.ArrayList;
import java.util.List;

/**
 * RFC 4180 records: fields separated by one delimiter character; a field that starts with {@code "}
 * is quoted and may hold delimiters, line breaks and doubled quotes ({@code ""} for one {@code "});
 * LF, CRLF and CR end a record. A quote inside an unquoted field is kept as text, the lenient
 * reading most CSV writers expect. Blank lines are skipped.
 */
final class CsvRecordSource implements RecordSource {

  private static final int EOF = -1;
  private static final int UNTERMINATED = -2;

  private final Reader in;
  private final char delimiter;
  private final char[] buffer = new char[1 << 16];
  private int position;
  private int limit;
  private long line = 1;

  CsvRecordSource(Reader in, char delimiter) {
    if (delimiter == '"' || delimiter == '\n' || delimiter == '\r') {
      throw new IllegalArgumentException(
          "the CSV delimiter must not be a quote or a line break, e.g. ',' ';' or a tab");
    }
    this.in = in;
    this.delimiter = delimiter;
  }

  @Override
  public SplitRecord next() throws IOException {
    int c = read();
    while (c == '\n' || c == '\r') {
      endOfLine(c);
      c = read();
    }
    return c == EOF ? null : record(c);
  }

  private SplitRecord record(int first) throws IOException {
    long start = line;
    List<String> fields = new ArrayList<>();
    StringBuilder field = new StringBuilder();
    String problem = null;
    boolean fieldStart = true;
    int c = first;
    while (true) {
      if (c == EOF || c == '\n' || c == '\r') {
        fields.add(field.toString());
        if (c != EOF) {
          endOfLine(c);
        }
        return new SplitRecord(start, fields, problem);
      }
      if (c == delimiter) {
        fields.add(field.toString());
        field.setLength(0);
        fieldStart = true;
        c = read();
      } else if (c == '"' && fieldStart) {
        fieldStart = false;
        c = quoted(field);
        if (c == UNTERMINATED) {
          problem = "quoted field " + (fields.size() + 1) + " is never closed";
          c = EOF;
        } else if (c != EOF && c != delimiter && c != '\n' && c != '\r' && problem == null) {
          problem =
              "field "
                  + (fields.size() + 1)
                  + " has text after its closing quote: '"
                  + (char) c
                  + "'";
        }
      } else {
        fieldStart = false;
        field.append((char) c);
        c = read();
      }
    }
  }

  /**
   * Reads a quoted field's content; returns the character after the closing quote, or {@link
   * #UNTERMINATED} when the input ends inside the quotes.
   */
  private int quoted(StringBuilder field) throws IOException {
    while (true) {
      int c = read();
      if (c == EOF) {
        return UNTERMINATED;
      }
      if (c == '"') {
        int next = read();
        if (next != '"') {
          return next;
        }
      } else if (c == '\n') {
        line++;
      }
      field.append((char) c);
    }
  }

  /** Counts the line break {@code c} was read as; a CRLF pair counts once. */
  private void endOfLine(int c) throws IOException {
    line++;
    if (c == '\r' && peek() == '\n') {
      position++;
    }
  }

  private int read() throws IOException {
    int c = peek();
    if (c != EOF) {
      position++;
    }
    return c;
  }

  private int peek() throws IOException {
    if (position == limit) {
      int n = in.read(buffer, 0, buffer.length);
      position = 0;
      limit = Math.max(n, 0);
      if (n <= 0) {
        return EOF;
      }
    }
    return buffer[position];
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
