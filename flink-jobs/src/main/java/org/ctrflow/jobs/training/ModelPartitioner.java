package org.ctrflow.jobs.training;

import java.util.List;
import org.apache.flink.api.common.functions.Partitioner;

/**
 * Sends each model's examples to the subtask that trains it: model {@code i} of the setup's list to
 * subtask {@code i mod n}, so models spread evenly over the trainer's subtasks.
 */
public final class ModelPartitioner implements Partitioner<String> {

  private static final long serialVersionUID = 1L;

  private final List<String> models;

  public ModelPartitioner(List<String> models) {
    this.models = List.copyOf(models);
  }

  @Override
  public int partition(String model, int numPartitions) {
    int index = models.indexOf(model);
    if (index < 0) {
      throw new IllegalArgumentException("no model '" + model + "' in " + models);
    }
    return subtask(index, numPartitions);
  }

  /** The subtask that trains the model at {@code index} when the trainer runs on {@code n}. */
  static int subtask(int index, int n) {
    return index % n;
  }
}
