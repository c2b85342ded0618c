package org.ctrflow.models.blocks;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.ndarray.types.SparseFormat;
import ai.djl.nn.AbstractBlock;
import ai.djl.nn.Parameter;
import ai.djl.training.ParameterStore;
import ai.djl.training.initializer.Initializer;
import ai.djl.training.initializer.NormalInitializer;
import ai.djl.util.PairList;
import java.util.ArrayList;
import java.util.List;

/**
 * The wide terms of a model's logit ({@link WideOptions}), over the same (B, F) embedding rows as
 * the deep part:
 *
 * <pre>
 *   wide(x) = b + Σ_f w[x_f] + Σ_p c[cross_p(x)] + ½·Σ_k ((Σ_f v[x_f]_k)² − Σ_f v[x_f]_k²)
 * </pre>
 *
 * with the bias b, linear weights w (numRows, 1), hashed pair-cross weights c (crossRows, 1, rows
 * from {@link PairCrosses}) and factorization-machine factors v (numRows, k), each present only
 * when its option is on.
 *
 * <ul>
 *   <li>input: row indices (B, F), int32 or int64
 *   <li>output: (B, 1) logit terms
 * </ul>
 *
 * <p>None of its parameters takes a gradient: the online trainer fits them example by example
 * ({@code SequentialLearner}), outside autograd, and this block only reads them (scoring, serving,
 * the deep part's training forward).
 */
public final class WideTerms extends AbstractBlock {

  private static final byte VERSION = 1;

  /** std of the factors' initialisation. */
  static final float FACTOR_INIT_STD = 0.01f;

  private final WideOptions options;
  private final PairCrosses crosses;
  private final Parameter bias;
  private final Parameter linear;
  private final Parameter cross;
  private final Parameter factors;

  WideTerms(WideOptions options, long numRows, int numFields) {
    super(VERSION);
    this.options = options;
    // One field has no pairs to cross.
    boolean crossed = options.crosses() && numFields > 1;
    crosses = crossed ? new PairCrosses(numFields, options.crossRows()) : null;
    bias = options.linear() ? table("bias", 1, 1, Initializer.ZEROS) : null;
    linear = options.linear() ? table("linear", numRows, 1, Initializer.ZEROS) : null;
    cross = crossed ? table("cross", options.crossRows(), 1, Initializer.ZEROS) : null;
    factors =
        options.factors() > 0
            ? table("factors", numRows, options.factors(), new NormalInitializer(FACTOR_INIT_STD))
            : null;
  }

  private Parameter table(String name, long rows, int width, Initializer initializer) {
    return addParameter(
        Parameter.builder()
            .setName(name)
            .setType(Parameter.Type.WEIGHT)
            .optShape(new Shape(rows, width))
            .optInitializer(initializer)
            .optRequiresGrad(false)
            .build());
  }

  public WideOptions options() {
    return options;
  }

  /** The cross hashing, or null without crosses. */
  public PairCrosses crosses() {
    return crosses;
  }

  /** (1, 1), or null without linear terms. */
  public Parameter bias() {
    return bias;
  }

  /** (numRows, 1), or null without linear terms. */
  public Parameter linear() {
    return linear;
  }

  /** (crossRows, 1), or null without crosses. */
  public Parameter cross() {
    return cross;
  }

  /** (numRows, k), or null without factors. */
  public Parameter factors() {
    return factors;
  }

  /** The row-indexed tables among the parameters (not the bias), in a fixed order. */
  List<Parameter> rowTables() {
    List<Parameter> tables = new ArrayList<>();
    for (Parameter p : new Parameter[] {linear, cross, factors}) {
      if (p != null) {
        tables.add(p);
      }
    }
    return tables;
  }

  @Override
  protected NDList forwardInternal(
      ParameterStore store, NDList inputs, boolean training, PairList<String, Object> params) {
    NDArray indices = inputs.singletonOrThrow();
    NDManager manager = indices.getManager();
    long batch = indices.getShape().get(0);
    NDArray sum = manager.zeros(new Shape(batch, 1));
    if (linear != null) {
      NDArray b = store.getValue(bias, indices.getDevice(), training);
      sum = sum.add(lookup(indices, store, linear, training).sum(new int[] {1})).add(b);
    }
    if (cross != null) {
      sum = sum.add(lookup(crosses.rows(indices), store, cross, training).sum(new int[] {1}));
    }
    if (factors != null) {
      NDArray v = lookup(indices, store, factors, training);
      NDArray s = v.sum(new int[] {1});
      NDArray half = manager.full(new Shape(), 0.5f);
      NDArray pairwise = s.square().sub(v.square().sum(new int[] {1}));
      sum = sum.add(pairwise.sum(new int[] {1}, true).mul(half));
    }
    return new NDList(sum);
  }

  /** Rows of {@code table} for (B, C) indices: (B, C, width). */
  private static NDArray lookup(
      NDArray indices, ParameterStore store, Parameter table, boolean training) {
    NDArray weight = store.getValue(table, indices.getDevice(), training);
    return indices.getNDArrayInternal().embedding(indices, weight, SparseFormat.DENSE).head();
  }

  @Override
  public Shape[] getOutputShapes(Shape[] inputShapes) {
    return new Shape[] {new Shape(inputShapes[0].get(0), 1)};
  }

  @Override
  protected void initializeChildBlocks(NDManager manager, DataType dataType, Shape... inputShapes) {
    // parameters only
  }
}
