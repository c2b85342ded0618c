package org.ctrflow.connectors.replay;

import java.io.BufferedReader;
import java.io.IOException;
import java.util.Arrays;
import java.util.regex.Pattern;

/** One record per line, fields separated by runs of spaces or tabs (libFM, SVMlight). */
final class WhitespaceRecordSource implements RecordSource {

  private static final Pattern WHITESPACE = Pattern.compile("\\s+");

  private final BufferedReader in;
  private long line;

  WhitespaceRecordSource(BufferedReader in) {
    this.in = in;
  }

  @Override
  public SplitRecord next() throws IOException {
    String text;
    do {
      text = in.readLine();
      line++;
    } while (text != null && text.isBlank());
    return text == null
        ? null
        : new SplitRecord(line, Arrays.asList(WHITESPACE.split(text.strip())), null);
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
