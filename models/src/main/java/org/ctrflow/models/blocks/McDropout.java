package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.norm.Dropout;
import ai.djl.training.ParameterStore;
import ai.djl.util.PairList;

/**
 * Dropout that Monte-Carlo dropout passes can switch on without training mode: it drops units in
 * training, and also when the forward pass runs on a {@link PassStore}. MC-dropout needs dropout on
 * while batch norm stays in inference mode (running statistics, no updates); DJL's own {@link
 * Dropout} follows the one {@code training} flag that batch norm follows too, so it cannot.
 *
 * <ul>
 *   <li>input: any shape
 *   <li>output: the same shape
 * </ul>
 *
 * <p>It has no parameters, so snapshots are the same with it as with DJL's {@link Dropout}.
 */
public final class McDropout extends AbstractBlock {

  private static final byte VERSION = 1;

  private final float rate;

  McDropout(float rate) {
    super(VERSION);
    Checks.dropoutRate("dropout", rate);
    this.rate = rate;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore parameterStore,
      NDList inputs,
      boolean training,
      PairList<String, Object> params) {
    boolean drop = training || parameterStore instanceof PassStore;
    return Dropout.dropout(inputs.singletonOrThrow(), rate, drop);
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return inputShapes;
  }

  /**
   * The parameter store of an MC-dropout pass: inference mode everywhere except {@link McDropout}
   * layers, which drop units.
   */
  public static final class PassStore extends ParameterStore {

    public PassStore(NDManager manager) {
      super(manager, false);
    }
  }
}
