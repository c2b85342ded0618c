package org.ctrflow.models.snapshot;

/**
 * Click probabilities of one batch and the model version that produced them.
 *
 * @param probabilities one per input example, in input order
 */
public record Scores(ModelInfo model, double[] probabilities) {

  public Scores {
    probabilities = probabilities.clone();
  }

  @Override
  public double[] probabilities() {
    return probabilities.clone();
  }

  /** The probability of example {@code i}, without copying the array. */
  public double probability(int i) {
    return probabilities[i];
  }

  public int size() {
    return probabilities.length;
  }
}
