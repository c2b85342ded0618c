package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;

/**
 * The classic online baselines, wide terms only ({@link WideTerms}), no deep part:
 *
 * <ul>
 *   <li>{@code ftrl}: logistic regression over the feature values and hashed crosses of every two
 *       fields, fitted example by example with FTRL-Proximal per-coordinate rates (McMahan et al.
 *       2013, "Ad Click Prediction: a View from the Trenches");
 *   <li>{@code fm}: a factorization machine (Rendle 2010), linear terms plus k factors per value,
 *       fitted example by example (FTRL for the linear terms, AdaGrad for the factors).
 * </ul>
 *
 * Which terms either has comes from {@link WideOptions#of}; the embedding and MLP settings of the
 * config are unused.
 */
final class LinearModelBlock extends CtrModelBlock {

  private static final byte VERSION = 1;

  LinearModelBlock(CtrModelConfig config) {
    super(VERSION, config, WideOptions.of(config.model(), config.options()), false);
  }

  @Override
  protected NDArray head(ParameterStore parameterStore, NDArray e, boolean training) {
    throw new UnsupportedOperationException("model '" + config().model() + "' has no deep part");
  }

  @Override
  protected void initializeHead(NDManager manager, DataType dataType, Shape embeddings) {
    throw new UnsupportedOperationException("model '" + config().model() + "' has no deep part");
  }
}
