package org.ctrflow.models.metrics;

import java.util.List;

/** O(n^2) reference metrics over explicit examples. */
final class BruteForce {

  record Example(double score, int label, double weight) {}

  private BruteForce() {}

  /** Weighted AUC, equal scores counted 1/2; NaN without both labels. */
  static double auc(List<Example> examples) {
    double pairs = 0;
    double positives = 0;
    double negatives = 0;
    for (Example p : examples) {
      if (p.label() == 1) {
        positives += p.weight();
        for (Example n : examples) {
          if (n.label() == 0) {
            double order = p.score() > n.score() ? 1 : p.score() == n.score() ? 0.5 : 0;
            pairs += p.weight() * n.weight() * order;
          }
        }
      } else {
        negatives += p.weight();
      }
    }
    return positives > 0 && negatives > 0 ? pairs / (positives * negatives) : Double.NaN;
  }

  static double logLoss(List<Example> examples) {
    double loss = 0;
    double weight = 0;
    for (Example e : examples) {
      double p = Math.min(Math.max(e.score(), 1e-7), 1 - 1e-7);
      loss -= e.weight() * (e.label() == 1 ? Math.log(p) : Math.log(1 - p));
      weight += e.weight();
    }
    return loss / weight;
  }

  static double calibration(List<Example> examples) {
    double predicted = 0;
    double observed = 0;
    for (Example e : examples) {
      predicted += e.weight() * e.score();
      observed += e.weight() * e.label();
    }
    return observed > 0 ? predicted / observed : Double.NaN;
  }

  static void feed(ModelMetrics metrics, List<Example> examples) {
    examples.forEach(e -> metrics.update(e.score(), e.label(), e.weight()));
  }
}
