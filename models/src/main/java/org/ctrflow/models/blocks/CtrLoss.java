package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.training.loss.Loss;

/**
 * Mean sigmoid binary cross-entropy on the logits plus the model's embedding regularizer, so that a
 * DJL {@code Trainer} configured with it trains the reference objective.
 *
 * <ul>
 *   <li>labels: (B) or (B, 1), 0 or 1
 *   <li>predictions: logits (B, 1)
 *   <li>result: a scalar
 * </ul>
 */
public final class CtrLoss extends Loss {

  private final Loss bce = Loss.sigmoidBinaryCrossEntropyLoss("bce");
  private final CtrModelBlock block;

  public CtrLoss(CtrModelBlock block) {
    super("ctr_loss");
    this.block = block;
  }

  @Override
  public NDArray evaluate(NDList labels, NDList predictions) {
    NDArray logits = predictions.singletonOrThrow();
    return bce.evaluate(labels, predictions).add(block.embeddingPenalty(logits.getManager()));
  }
}
