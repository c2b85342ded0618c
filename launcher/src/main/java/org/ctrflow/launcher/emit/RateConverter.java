package org.ctrflow.launcher.emit;

import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.TypeConversionException;

/** Reads a rate such as {@code 1000}, {@code 1000/s} or {@code 2.5/s}; 0 means unlimited. */
final class RateConverter implements ITypeConverter<Double> {

  @Override
  public Double convert(String value) {
    String number = value.strip();
    if (number.endsWith("/s")) {
      number = number.substring(0, number.length() - 2).strip();
    }
    try {
      double rate = Double.parseDouble(number);
      if (rate >= 0 && Double.isFinite(rate)) {
        return rate;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw new TypeConversionException(
        "'" + value + "' is not a rate: expected events per second >= 0, e.g. 1000 or 1000/s");
  }
}
