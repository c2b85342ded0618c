package org.ctrflow.models.training;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;

/**
 * Serves the batch's gathered embedding rows in place of the whole table, so the model's embedding
 * lookup (with batch-local row indices) builds its gradient over those rows only. Every other
 * parameter is served as usual.
 */
final class RowParameterStore extends ParameterStore {

  private final Parameter table;
  private final NDArray rows;

  RowParameterStore(NDManager manager, Parameter table, NDArray rows) {
    super(manager, false);
    this.table = table;
    this.rows = rows;
  }

  @Override
  public NDArray getValue(Parameter parameter, Device device, boolean training) {
    return parameter == table ? rows : super.getValue(parameter, device, training);
  }
}
