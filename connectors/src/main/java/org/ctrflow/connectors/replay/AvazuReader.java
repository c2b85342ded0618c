package org.ctrflow.connectors.replay;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Opens Avazu CTR data: CSV with header {@code id,click,hour,...}. {@code click} is the label,
 * {@code id} the impression id, {@code hour} ({@code YYMMDDHH}, UTC) the event time; every other
 * column is categorical, including the anonymised integer columns C1 and C14-C21, whose values are
 * codes, not quantities.
 */
public final class AvazuReader {

  private AvazuReader() {}

  public static CsvDatasetReader open(Path file) throws IOException {
    return new CsvDatasetReader(
        file,
        CsvOptions.builder()
            .optLabelColumn("click")
            .optIdColumn("id")
            .optTimeColumn("hour", TimeFormat.YYMMDDHH)
            .build());
  }
}
