package org.ctrflow.memnet.bench;

import java.util.List;
import java.util.Locale;

/** A line chart of windowed log loss over events, one line per run, drifts as dashed lines. */
public final class SvgPlot {

  private static final String[] COLOURS = {"#1f77b4", "#d62728", "#2ca02c", "#9467bd", "#ff7f0e"};
  private static final int WIDTH = 900;
  private static final int HEIGHT = 420;
  private static final int MARGIN = 50;
  private static final int POINTS = 600;

  private SvgPlot() {}

  /** One named curve. */
  public record Line(String name, double[] values) {}

  public static String render(String title, List<Line> lines, List<Long> drifts) {
    int n = lines.get(0).values().length;
    double max = 0;
    for (Line line : lines) {
      for (int i = n / 50; i < n; i++) {
        max = Math.max(max, line.values()[i]);
      }
    }
    double yMax = max * 1.05;
    StringBuilder svg = new StringBuilder();
    svg.append(
        String.format(
            Locale.ROOT,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\""
                + " font-family=\"sans-serif\" font-size=\"12\">%n"
                + "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>%n"
                + "<text x=\"%d\" y=\"20\">%s</text>%n",
            WIDTH,
            HEIGHT,
            MARGIN,
            title));
    for (int t = 0; t <= 4; t++) {
      double v = yMax * t / 4;
      svg.append(
          String.format(
              Locale.ROOT,
              "<text x=\"5\" y=\"%.1f\">%.3f</text><line x1=\"%d\" x2=\"%d\" y1=\"%.1f\""
                  + " y2=\"%.1f\" stroke=\"#eee\"/>%n",
              y(v, yMax) + 4,
              v,
              MARGIN,
              WIDTH - MARGIN,
              y(v, yMax),
              y(v, yMax)));
    }
    for (long drift : drifts) {
      double x = x(drift, n);
      svg.append(
          String.format(
              Locale.ROOT,
              "<line x1=\"%.1f\" x2=\"%.1f\" y1=\"%d\" y2=\"%d\" stroke=\"black\""
                  + " stroke-dasharray=\"4 3\"/><text x=\"%.1f\" y=\"%d\">drift @%d</text>%n",
              x,
              x,
              MARGIN,
              HEIGHT - MARGIN,
              x + 3,
              MARGIN + 12,
              drift));
    }
    for (int l = 0; l < lines.size(); l++) {
      Line line = lines.get(l);
      StringBuilder points = new StringBuilder();
      for (int p = 0; p < POINTS; p++) {
        int i = (int) ((long) p * (n - 1) / (POINTS - 1));
        points.append(String.format(Locale.ROOT, "%.1f,%.1f ", x(i, n), y(line.values()[i], yMax)));
      }
      String colour = COLOURS[l % COLOURS.length];
      svg.append(
          String.format(
              Locale.ROOT,
              "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"%s\"/>%n"
                  + "<text x=\"%d\" y=\"%d\" fill=\"%s\">%s</text>%n",
              colour,
              points.toString().trim(),
              WIDTH - MARGIN - 160,
              MARGIN + 30 + 16 * l,
              colour,
              line.name()));
    }
    svg.append(
        String.format(
            Locale.ROOT,
            "<text x=\"%d\" y=\"%d\">events (%d)</text>%n</svg>%n",
            WIDTH / 2,
            HEIGHT - 15,
            n));
    return svg.toString();
  }

  private static double x(double event, int n) {
    return MARGIN + (WIDTH - 2.0 * MARGIN) * event / Math.max(1, n - 1);
  }

  private static double y(double value, double yMax) {
    return HEIGHT - MARGIN - (HEIGHT - 2.0 * MARGIN) * Math.min(value, yMax) / yMax;
  }
}
