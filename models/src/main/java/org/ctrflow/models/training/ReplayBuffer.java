package org.ctrflow.models.training;

import java.util.Arrays;
import java.util.SplittableRandom;

/**
 * The last {@code capacity} training examples, replayed into later steps: each step trains on its
 * fresh examples plus {@code ratio ×} as many drawn uniformly (with replacement) from the buffer. A
 * single pass then sees recent examples a few times, as epochs would, without waiting for the data
 * to end: it lets embedding rows learn from their few occurrences. Not thread-safe.
 */
final class ReplayBuffer {

  private final int fields;
  private final int capacity;
  private final double ratio;
  private final long[] rows;
  private final float[] labels;
  private final float[] weights;
  private final SplittableRandom random;
  private int size;
  private int next;

  ReplayBuffer(int fields, int capacity, double ratio, long seed) {
    this.fields = fields;
    this.capacity = capacity;
    this.ratio = ratio;
    rows = new long[capacity * fields];
    labels = new float[capacity];
    weights = new float[capacity];
    random = new SplittableRandom(seed);
  }

  /**
   * The batch to train on: the {@code n} fresh examples, then the replayed ones drawn from what the
   * buffer held before; the fresh examples are added to the buffer afterwards.
   */
  MicroBatcher.Batch mix(long[] freshRows, int n, float[] freshLabels, float[] freshWeights) {
    int replayed = size == 0 ? 0 : (int) Math.round(ratio * n);
    int total = n + replayed;
    long[] outRows = Arrays.copyOf(freshRows, total * fields);
    float[] outLabels = Arrays.copyOf(freshLabels, total);
    float[] outWeights = Arrays.copyOf(freshWeights, total);
    for (int i = n; i < total; i++) {
      int e = random.nextInt(size);
      System.arraycopy(rows, e * fields, outRows, i * fields, fields);
      outLabels[i] = labels[e];
      outWeights[i] = weights[e];
    }
    for (int i = 0; i < n; i++) {
      System.arraycopy(freshRows, i * fields, rows, next * fields, fields);
      labels[next] = freshLabels[i];
      weights[next] = freshWeights[i];
      next = (next + 1) % capacity;
      size = Math.min(size + 1, capacity);
    }
    return new MicroBatcher.Batch(outRows, total, outLabels, outWeights);
  }
}
