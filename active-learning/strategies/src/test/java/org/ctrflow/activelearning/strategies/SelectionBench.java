package org.ctrflow.activelearning.strategies;

import java.util.Map;
import java.util.SplittableRandom;

/**
 * Prints decisions per second of the stream-side strategies as a table (a bench, not a test):
 * {@code java -cp <test classpath> org.ctrflow.activelearning.strategies.SelectionBench}.
 */
public final class SelectionBench {

  private SelectionBench() {}

  public static void main(String[] args) {
    int n = 5_000_000;
    double[] scores = new SplittableRandom(1).doubles(n).toArray();
    System.out.printf("%-40s %15s%n", "operation", "per second");
    for (int round = 0; round < 2; round++) { // the first round warms the JIT up
      BudgetedSelector selector = BudgetedSelector.builder().setTargetPerMinute(600).build();
      long start = System.nanoTime();
      long selected = 0;
      for (int i = 0; i < n; i++) {
        selected += selector.select(Uncertainty.entropyBits(scores[i]), i).selected() ? 1 : 0;
      }
      print(round, "entropy + budgeted selection", n, start, selected);

      double[] committee = new double[2];
      start = System.nanoTime();
      double sink = 0;
      for (int i = 0; i < n; i++) {
        committee[0] = scores[i];
        committee[1] = scores[(i + 1) % n];
        sink += MutualInformation.of(committee);
      }
      print(round, "committee disagreement (2 members)", n, start, (long) sink);

      DiversityGuard guard = new DiversityGuard(600_000, 4_096, 64, 0.8);
      int checks = 20_000;
      start = System.nanoTime();
      long admitted = 0;
      for (int i = 0; i < checks; i++) {
        Map<String, String> features =
            Map.of("user", "" + (i % 5_000), "item", "" + (i % 777), "city", "" + (i % 31));
        admitted += guard.tryAdmit(features, Map.of(), i * 100L) ? 1 : 0;
      }
      print(round, "diversity guard (4,096 x 64 window)", checks, start, admitted);
    }
  }

  private static void print(int round, String name, long n, long startNanos, long sink) {
    double perSecond = n / ((System.nanoTime() - startNanos) / 1e9);
    if (round == 1) {
      System.out.printf("%-40s %,15.0f   (%d)%n", name, perSecond, sink);
    }
  }
}
