package org.ctrflow.models.blocks;

import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.training.initializer.XavierInitializer;

/** The reference's (FuxiCTR) initialisation schemes, in DJL terms. */
final class Initializers {

  /**
   * {@code torch.nn.init.xavier_normal_}: std = sqrt(2 / (fanIn + fanOut)). DJL's AVG factor is
   * (fanIn + fanOut) / 2, so magnitude 1 gives the same standard deviation.
   */
  static final Initializer XAVIER_NORMAL =
      new XavierInitializer(
          XavierInitializer.RandomType.GAUSSIAN, XavierInitializer.FactorType.AVG, 1f);

  /** FuxiCTR's default embedding initializer, {@code normal_(std=1e-4)}. */
  static final Initializer EMBEDDING_NORMAL = new NormalInitializer(1e-4f);

  private Initializers() {}
}
