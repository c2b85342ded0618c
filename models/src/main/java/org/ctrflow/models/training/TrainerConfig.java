package org.ctrflow.models.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;

/**
 * Hyper-parameters of {@link OnlineTrainer} and of offline (multi-epoch) training; immutable and
 * validated on construction. Start from {@link #builder()} (the defaults) or a preset, and override
 * from JSON with {@link #withOverrides}.
 *
 * @param batchSize examples per training step (micro-batch size)
 * @param maxWaitMillis longest an example waits in a {@link MicroBatcher} before a partial flush
 * @param learningRate Adam step size of the dense parameters
 * @param embeddingLearningRate step size of the embedding rows' optimizer
 * @param rowOptimizer the embedding rows' optimizer: {@code adam} (row-sparse "lazy" Adam) or
 *     {@code adagrad} (per-coordinate AdaGrad, {@code n += g²; e −= η·g / (sqrt(n) + ε)}); the
 *     dense parameters always use Adam
 * @param updateBatch online: examples per optimizer step of the deep part; {@link
 *     OnlineTrainer#scoreThenTrain} scores a micro-batch, then steps on it in parts of this size
 *     (each with its replayed examples); 0 steps once on the whole micro-batch
 * @param beta1 Adam's first-moment decay
 * @param beta2 Adam's second-moment decay
 * @param epsilon Adam's denominator term
 * @param clipNorm the global L2 norm of all gradients (dense and touched embedding rows) is scaled
 *     down to at most this; {@code 0} disables clipping
 * @param weightDecay L2 coefficient added to the dense parameters' gradients ({@code wd·w})
 * @param embeddingL2 λ of the embedding penalty (λ/2)·‖e_r‖², applied to the rows a step touches
 *     only (see {@link LazyAdam})
 * @param replaySize online: examples kept for replay by {@link OnlineTrainer#scoreThenTrain}; 0
 *     disables replay
 * @param replayRatio online: replayed examples per fresh example in each step
 * @param wideAlpha FTRL-Proximal α of the wide terms' bias, linear and cross weights (see {@code
 *     SequentialLearner})
 * @param wideBeta FTRL-Proximal β
 * @param wideL1 FTRL-Proximal λ1 (L1; weights with |z| ≤ λ1 are exactly 0)
 * @param wideL2 FTRL-Proximal λ2 (L2)
 * @param factorLearningRate AdaGrad step size of the factorization machine's factors
 * @param factorL2 L2 coefficient on the factors' gradients ({@code λ·v})
 * @param epochs offline: the most passes over the training file
 * @param patience offline: stop after this many epochs without a better validation AUC
 * @param lrDecayFactor offline: multiply both learning rates by this after an epoch without a
 *     better validation AUC
 * @param minLearningRate offline: the decay stops here
 * @param seed seed of the engine's random numbers (initialisation, dropout) and the shuffles
 */
public record TrainerConfig(
    int batchSize,
    long maxWaitMillis,
    float learningRate,
    float embeddingLearningRate,
    String rowOptimizer,
    int updateBatch,
    float beta1,
    float beta2,
    float epsilon,
    float clipNorm,
    float weightDecay,
    float embeddingL2,
    int replaySize,
    float replayRatio,
    float wideAlpha,
    float wideBeta,
    float wideL1,
    float wideL2,
    float factorLearningRate,
    float factorL2,
    int epochs,
    int patience,
    float lrDecayFactor,
    float minLearningRate,
    long seed) {

  /** The valid {@link #rowOptimizer()}s. */
  public static final java.util.List<String> ROW_OPTIMIZERS = java.util.List.of("adam", "adagrad");

  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

  public TrainerConfig {
    positive("batchSize", batchSize);
    if (maxWaitMillis < 0) {
      throw new IllegalArgumentException("maxWaitMillis must be >= 0, got " + maxWaitMillis);
    }
    positive("learningRate", learningRate);
    positive("embeddingLearningRate", embeddingLearningRate);
    if (!ROW_OPTIMIZERS.contains(rowOptimizer)) {
      throw new IllegalArgumentException(
          "rowOptimizer must be one of " + ROW_OPTIMIZERS + ", got " + rowOptimizer);
    }
    nonNegative("updateBatch", updateBatch);
    unitInterval("beta1", beta1);
    unitInterval("beta2", beta2);
    positive("epsilon", epsilon);
    nonNegative("clipNorm", clipNorm);
    nonNegative("weightDecay", weightDecay);
    nonNegative("embeddingL2", embeddingL2);
    nonNegative("replaySize", replaySize);
    nonNegative("replayRatio", replayRatio);
    positive("wideAlpha", wideAlpha);
    nonNegative("wideBeta", wideBeta);
    nonNegative("wideL1", wideL1);
    nonNegative("wideL2", wideL2);
    positive("factorLearningRate", factorLearningRate);
    nonNegative("factorL2", factorL2);
    positive("epochs", epochs);
    positive("patience", patience);
    if (!(lrDecayFactor > 0f && lrDecayFactor <= 1f)) {
      throw new IllegalArgumentException("lrDecayFactor must be in (0, 1], got " + lrDecayFactor);
    }
    nonNegative("minLearningRate", minLearningRate);
  }

  /**
   * A builder holding the defaults (FuxiCTR's for the deep part: Adam 1e-3, clip 10, patience 2,
   * decay 0.1).
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * This configuration with the values of a JSON object's keys, e.g. {@code {"batchSize": 256}}.
   *
   * @throws IllegalArgumentException naming an unknown key, or for invalid values
   */
  public TrainerConfig withOverrides(JsonNode overrides) {
    if (!(overrides instanceof ObjectNode patch)) {
      throw new IllegalArgumentException(
          "trainer overrides must be a JSON object, got " + overrides);
    }
    ObjectNode merged = JSON.valueToTree(this);
    for (Iterator<String> keys = patch.fieldNames(); keys.hasNext(); ) {
      String key = keys.next();
      if (!merged.has(key)) {
        throw new IllegalArgumentException(
            "unknown trainer setting '" + key + "'; valid settings: " + merged.properties());
      }
    }
    merged.setAll(patch);
    try {
      return JSON.treeToValue(merged, TrainerConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid trainer settings: " + e.getOriginalMessage(), e);
    } catch (IllegalArgumentException e) {
      // Jackson wraps the compact constructor's message; keep ours.
      throw new IllegalArgumentException(rootMessage(e), e);
    }
  }

  private static String rootMessage(Throwable t) {
    Throwable root = t;
    while (root.getCause() != null) {
      root = root.getCause();
    }
    return root.getMessage();
  }

  private static void positive(String name, double value) {
    if (!(value > 0)) {
      throw new IllegalArgumentException(name + " must be > 0, got " + value);
    }
  }

  private static void nonNegative(String name, double value) {
    if (!(value >= 0 && Double.isFinite(value))) {
      throw new IllegalArgumentException(name + " must be >= 0, got " + value);
    }
  }

  private static void unitInterval(String name, float value) {
    if (!(value >= 0f && value < 1f)) {
      throw new IllegalArgumentException(name + " must be in [0, 1), got " + value);
    }
  }

  /** Examples per deep optimizer step: {@link #updateBatch()}, or the micro-batch when 0. */
  public int stepExamples(int batch) {
    return updateBatch == 0 ? batch : Math.min(updateBatch, batch);
  }

  /** Mutable builder; {@link #build()} validates. */
  public static final class Builder {
    private int batchSize = 1024;
    private long maxWaitMillis = 200;
    private float learningRate = 1e-3f;
    private float embeddingLearningRate = 1e-3f;
    private String rowOptimizer = "adam";
    private int updateBatch = 0;
    private float beta1 = 0.9f;
    private float beta2 = 0.999f;
    private float epsilon = 1e-8f;
    private float clipNorm = 10f;
    private float weightDecay = 0f;
    private float embeddingL2 = 0f;
    private int replaySize = 0;
    private float replayRatio = 1f;
    private float wideAlpha = 0.1f;
    private float wideBeta = 1f;
    private float wideL1 = 0f;
    private float wideL2 = 0f;
    private float factorLearningRate = 0.05f;
    private float factorL2 = 0f;
    private int epochs = 100;
    private int patience = 2;
    private float lrDecayFactor = 0.1f;
    private float minLearningRate = 1e-6f;
    private long seed = 2023;

    private Builder() {}

    private Builder(TrainerConfig c) {
      batchSize = c.batchSize;
      maxWaitMillis = c.maxWaitMillis;
      learningRate = c.learningRate;
      embeddingLearningRate = c.embeddingLearningRate;
      rowOptimizer = c.rowOptimizer;
      updateBatch = c.updateBatch;
      beta1 = c.beta1;
      beta2 = c.beta2;
      epsilon = c.epsilon;
      clipNorm = c.clipNorm;
      weightDecay = c.weightDecay;
      embeddingL2 = c.embeddingL2;
      replaySize = c.replaySize;
      replayRatio = c.replayRatio;
      wideAlpha = c.wideAlpha;
      wideBeta = c.wideBeta;
      wideL1 = c.wideL1;
      wideL2 = c.wideL2;
      factorLearningRate = c.factorLearningRate;
      factorL2 = c.factorL2;
      epochs = c.epochs;
      patience = c.patience;
      lrDecayFactor = c.lrDecayFactor;
      minLearningRate = c.minLearningRate;
      seed = c.seed;
    }

    public Builder batchSize(int v) {
      batchSize = v;
      return this;
    }

    public Builder maxWaitMillis(long v) {
      maxWaitMillis = v;
      return this;
    }

    /** Sets the dense and the embedding learning rate. */
    public Builder learningRates(float v) {
      learningRate = v;
      embeddingLearningRate = v;
      return this;
    }

    public Builder learningRate(float v) {
      learningRate = v;
      return this;
    }

    public Builder embeddingLearningRate(float v) {
      embeddingLearningRate = v;
      return this;
    }

    public Builder rowOptimizer(String v) {
      rowOptimizer = v;
      return this;
    }

    public Builder updateBatch(int v) {
      updateBatch = v;
      return this;
    }

    /** FTRL-Proximal settings of the wide terms' weights. */
    public Builder ftrl(float alpha, float beta, float l1, float l2) {
      wideAlpha = alpha;
      wideBeta = beta;
      wideL1 = l1;
      wideL2 = l2;
      return this;
    }

    /** AdaGrad settings of the factorization machine's factors. */
    public Builder factors(float learningRate, float l2) {
      factorLearningRate = learningRate;
      factorL2 = l2;
      return this;
    }

    public Builder betas(float b1, float b2) {
      beta1 = b1;
      beta2 = b2;
      return this;
    }

    public Builder epsilon(float v) {
      epsilon = v;
      return this;
    }

    public Builder clipNorm(float v) {
      clipNorm = v;
      return this;
    }

    public Builder weightDecay(float v) {
      weightDecay = v;
      return this;
    }

    public Builder embeddingL2(float v) {
      embeddingL2 = v;
      return this;
    }

    /** Replay {@code ratio} examples per fresh one, drawn from the last {@code size}. */
    public Builder replay(int size, float ratio) {
      replaySize = size;
      replayRatio = ratio;
      return this;
    }

    public Builder epochs(int v) {
      epochs = v;
      return this;
    }

    public Builder patience(int v) {
      patience = v;
      return this;
    }

    public Builder lrDecayFactor(float v) {
      lrDecayFactor = v;
      return this;
    }

    public Builder minLearningRate(float v) {
      minLearningRate = v;
      return this;
    }

    public Builder seed(long v) {
      seed = v;
      return this;
    }

    public TrainerConfig build() {
      return new TrainerConfig(
          batchSize,
          maxWaitMillis,
          learningRate,
          embeddingLearningRate,
          rowOptimizer,
          updateBatch,
          beta1,
          beta2,
          epsilon,
          clipNorm,
          weightDecay,
          embeddingL2,
          replaySize,
          replayRatio,
          wideAlpha,
          wideBeta,
          wideL1,
          wideL2,
          factorLearningRate,
          factorL2,
          epochs,
          patience,
          lrDecayFactor,
          minLearningRate,
          seed);
    }
  }
}
