package org.ctrflow.models.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Hyper-parameters of {@link OnlineTrainer} and of offline (multi-epoch) training; immutable and
 * validated on construction. Start from {@link #builder()} (the defaults) or a preset, and override
 * from JSON with {@link #withOverrides}. Each component's meaning is declared once, in {@link
 * #DESCRIPTIONS} (the reference table in docs/concepts/online-training.md is generated from it).
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

  /** What each setting means, by its JSON key (the record component's name), in order. */
  public static final Map<String, String> DESCRIPTIONS = descriptions();

  private static Map<String, String> descriptions() {
    Map<String, String> d = new LinkedHashMap<>();
    d.put("batchSize", "examples per micro-batch: scored together, then learnt");
    d.put(
        "maxWaitMillis",
        "longest an example waits in a MicroBatcher before a partial batch is flushed");
    d.put("learningRate", "Adam step size of the deep part's dense parameters");
    d.put("embeddingLearningRate", "step size of the embedding rows' optimizer");
    d.put(
        "rowOptimizer",
        "the embedding rows' optimizer: adagrad (per coordinate, n += g², e −= η·g / (sqrt(n) + ε))"
            + " or adam (row-sparse lazy Adam)");
    d.put(
        "updateBatch",
        "online: examples per optimizer step of the deep part; a scored micro-batch is learnt in"
            + " parts of this size, each with its replayed examples; 0: one step per micro-batch");
    d.put("beta1", "Adam's first-moment decay");
    d.put("beta2", "Adam's second-moment decay");
    d.put("epsilon", "Adam's and AdaGrad's denominator term");
    d.put(
        "clipNorm",
        "the global L2 norm of the deep part's gradients (dense and touched rows) is scaled down to"
            + " at most this; 0 disables clipping");
    d.put("weightDecay", "L2 coefficient added to the dense parameters' gradients (wd·w)");
    d.put(
        "embeddingL2",
        "λ of the embedding penalty (λ/2)·‖e_r‖², applied to the rows a step touches only");
    d.put(
        "replaySize",
        "online: recent examples kept for replay; each deep step adds replayRatio × as many drawn"
            + " from them; 0 disables replay");
    d.put("replayRatio", "online: replayed examples per fresh example in each deep step");
    d.put("wideAlpha", "FTRL-Proximal α of the wide terms' bias, linear and cross weights");
    d.put("wideBeta", "FTRL-Proximal β");
    d.put("wideL1", "FTRL-Proximal λ1 (L1: weights with |z| ≤ λ1 are exactly 0)");
    d.put("wideL2", "FTRL-Proximal λ2 (L2)");
    d.put("factorLearningRate", "AdaGrad step size of the factorization machine's factors");
    d.put("factorL2", "L2 coefficient on the factors' gradients (λ·v)");
    d.put("epochs", "offline: the most passes over the training file");
    d.put("patience", "offline: stop after this many epochs without a better validation AUC");
    d.put(
        "lrDecayFactor",
        "offline: multiply the learning rates by this after an epoch without a better validation"
            + " AUC");
    d.put("minLearningRate", "offline: the decay stops here");
    d.put(
        "seed",
        "seed of the engine's random numbers (initialisation, dropout), replay sampling and the"
            + " shuffles");
    return java.util.Collections.unmodifiableMap(d);
  }

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
   * A builder holding the defaults. For online learning they were chosen on {@code ctrflow bench
   * adapt}'s scenarios (docs/concepts/online-training.md): micro-batches of 256, AdaGrad embedding
   * rows at 0.05, replay of the last 200,000 examples one for one, FTRL α 0.3 for wide terms; the
   * dense parameters keep FuxiCTR's Adam 1e-3 and clip 10. The offline settings (patience 2, decay
   * 0.1) are FuxiCTR's.
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
    private int batchSize = 256;
    private long maxWaitMillis = 200;
    private float learningRate = 1e-3f;
    private float embeddingLearningRate = 0.05f;
    private String rowOptimizer = "adagrad";
    private int updateBatch = 0;
    private float beta1 = 0.9f;
    private float beta2 = 0.999f;
    private float epsilon = 1e-8f;
    private float clipNorm = 10f;
    private float weightDecay = 0f;
    private float embeddingL2 = 0f;
    private int replaySize = 200_000;
    private float replayRatio = 1f;
    private float wideAlpha = 0.3f;
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
