package org.ctrflow.models.blocks;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Everything needed to rebuild a CTR model's blocks; immutable and validated on construction
 * (including when read from JSON).
 *
 * @param model {@code finalmlp}, {@code dualmlp}, {@code dnn}, {@code ftrl} or {@code fm}, or a
 *     registered model's name (see {@link CtrModels})
 * @param numRows rows of the shared embedding table
 * @param numFields F, index columns per example
 * @param embeddingDim d
 * @param mlp1Units stream 1 hidden widths; also the DNN baseline's hidden widths
 * @param mlp1Dropout dropout after each stream 1 (and DNN) hidden layer
 * @param mlp2Units stream 2 hidden widths (FinalMLP, DualMLP)
 * @param mlp2Dropout dropout after each stream 2 hidden layer
 * @param batchNorm batch norm after each stream (and DNN) hidden Linear; never in the gates
 * @param gateHiddenUnits hidden widths of both gate MLPs (FinalMLP)
 * @param gate1ContextFields fields whose embeddings drive stream 1's gate; empty: learnable bias
 * @param gate2ContextFields the same for stream 2
 * @param heads k of the bilinear fusion; must divide the last widths of both streams (FinalMLP)
 * @param embeddingL2 λ of the embedding penalty (λ/2)·‖table‖², see {@link
 *     CtrModelBlock#embeddingPenalty}
 * @param options model-specific settings by key: for the built-in models the wide terms' ({@link
 *     WideOptions}); for models registered through {@link CtrModelProvider}, the keys the provider
 *     declares and validates
 */
public record CtrModelConfig(
    String model,
    long numRows,
    int numFields,
    int embeddingDim,
    List<Integer> mlp1Units,
    float mlp1Dropout,
    List<Integer> mlp2Units,
    float mlp2Dropout,
    boolean batchNorm,
    List<Integer> gateHiddenUnits,
    List<Integer> gate1ContextFields,
    List<Integer> gate2ContextFields,
    int heads,
    float embeddingL2,
    Map<String, String> options) {

  /**
   * Version of the JSON written by {@link #toJson()}. Version 2 added {@code options}; {@link
   * #fromJson} also reads version 1 (as empty options).
   */
  public static final int FORMAT_VERSION = 2;

  // A value missing from the JSON must fail, not silently become 0 or false.
  private static final ObjectMapper JSON =
      new ObjectMapper()
          .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_NULL_CREATOR_PROPERTIES);

  public CtrModelConfig {
    if (model == null || model.isBlank()) {
      throw new IllegalArgumentException("model must be a name such as " + CtrModels.NAMES);
    }
    Checks.positive("numRows (rows of the embedding table)", numRows);
    Checks.positive("numFields", numFields);
    Checks.positive("embeddingDim", embeddingDim);
    mlp1Units = Checks.positiveUnits("mlp1Units", mlp1Units);
    mlp2Units = Checks.positiveUnits("mlp2Units", mlp2Units);
    gateHiddenUnits = Checks.positiveUnits("gateHiddenUnits", gateHiddenUnits);
    Checks.dropoutRate("mlp1Dropout", mlp1Dropout);
    Checks.dropoutRate("mlp2Dropout", mlp2Dropout);
    gate1ContextFields = Checks.fieldIndices("gate1ContextFields", gate1ContextFields, numFields);
    gate2ContextFields = Checks.fieldIndices("gate2ContextFields", gate2ContextFields, numFields);
    Checks.positive("heads", heads);
    if (!(embeddingL2 >= 0f)) {
      throw new IllegalArgumentException("embeddingL2 must be >= 0, got " + embeddingL2);
    }
    if (options == null) {
      throw new IllegalArgumentException("options must be a JSON object of strings, e.g. {}");
    }
    // Sorted, so that equal configs serialise to equal JSON.
    options = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(options));
  }

  /**
   * A builder: {@code setModel}, {@code setNumRows}, {@code setNumFields} and {@code
   * setEmbeddingDim} are required; every {@code opt} setting has the default its method names.
   */
  public static Builder builder() {
    return new Builder();
  }

  /** A builder starting from this configuration's values. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * FinalMLP's Frappe configuration from the paper / BARS (10 fields: user, item, daytime, ...):
   * embedding 10, MLP1 [400] and MLP2 [100] with dropout 0.4 and batch norm, gate MLP [400], gate
   * contexts user (field 0) and item (field 1), 5 heads, embedding regularizer 0.05.
   */
  public static CtrModelConfig frappe(String model, long numRows) {
    return builder()
        .setModel(model)
        .setNumRows(numRows)
        .setNumFields(10)
        .setEmbeddingDim(10)
        .optMlp1Units(List.of(400))
        .optMlp1Dropout(0.4f)
        .optMlp2Units(List.of(100))
        .optMlp2Dropout(0.4f)
        .optBatchNorm(true)
        .optGateHiddenUnits(List.of(400))
        .optGate1ContextFields(List.of(0))
        .optGate2ContextFields(List.of(1))
        .optHeads(5)
        .optEmbeddingL2(0.05f)
        .build();
  }

  /**
   * A Criteo-sized model: 39 fields, 2^20 hashed rows, d = 16, MLP1 [400, 400, 400], MLP2 [800].
   * The remaining values are ours, not the paper's: dropout 0.2, batch norm, gate MLP [800] driven
   * by the learnable bias (no context fields), 10 heads, embedding regularizer 1e-5.
   */
  public static CtrModelConfig criteoSized(String model) {
    return builder()
        .setModel(model)
        .setNumRows(1L << 20)
        .setNumFields(39)
        .setEmbeddingDim(16)
        .optMlp1Units(List.of(400, 400, 400))
        .optMlp1Dropout(0.2f)
        .optMlp2Units(List.of(800))
        .optMlp2Dropout(0.2f)
        .optBatchNorm(true)
        .optGateHiddenUnits(List.of(800))
        .optHeads(10)
        .optEmbeddingL2(1e-5f)
        .build();
  }

  /**
   * The same configuration for another model, e.g. the {@code dualmlp} ablation. The options carry
   * over to a model that reads the same ones (another built-in model, or one of the same provider),
   * and are dropped for any other: a memory network does not take FinalMLP's wide terms.
   */
  public CtrModelConfig withModel(String otherModel) {
    return toBuilder()
        .setModel(otherModel)
        .optOptions(CtrModels.sameOptions(model, otherModel) ? options : Map.of())
        .build();
  }

  /** JSON object with {@code formatVersion} and every component. */
  public String toJson() {
    ObjectNode node = JSON.createObjectNode();
    node.put("formatVersion", FORMAT_VERSION);
    node.setAll((ObjectNode) JSON.valueToTree(this));
    return node.toString();
  }

  /**
   * Reads {@link #toJson()}'s output.
   *
   * @throws IllegalArgumentException for another format version, unknown or missing fields, or
   *     invalid values
   */
  public static CtrModelConfig fromJson(String json) {
    try {
      JsonNode tree = JSON.readTree(json);
      if (!(tree instanceof ObjectNode node)) {
        throw new IllegalArgumentException("model config must be a JSON object, got: " + json);
      }
      JsonNode version = node.remove("formatVersion");
      int v = version != null && version.canConvertToInt() ? version.intValue() : -1;
      if (v != 1 && v != FORMAT_VERSION) {
        throw new IllegalArgumentException(
            "unsupported model config formatVersion "
                + version
                + "; this build reads formatVersion 1 and "
                + FORMAT_VERSION);
      }
      if (v == 1) {
        if (node.has("options")) {
          throw new IllegalArgumentException(
              "model config formatVersion 1 has no 'options'; write formatVersion 2");
        }
        node.putObject("options");
      }
      return JSON.treeToValue(node, CtrModelConfig.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("invalid model config JSON: " + e.getMessage(), e);
    }
  }

  /**
   * Collects a {@link CtrModelConfig}'s values; {@link #build()} checks that the required ones are
   * set and then validates them all as the constructor does.
   */
  public static final class Builder {
    private String model;
    private long numRows;
    private int numFields;
    private int embeddingDim;
    private List<Integer> mlp1Units = List.of(400);
    private float mlp1Dropout;
    private List<Integer> mlp2Units = List.of(100);
    private float mlp2Dropout;
    private boolean batchNorm;
    private List<Integer> gateHiddenUnits = List.of(400);
    private List<Integer> gate1ContextFields = List.of();
    private List<Integer> gate2ContextFields = List.of();
    private int heads = 1;
    private float embeddingL2;
    private Map<String, String> options = Map.of();

    private Builder() {}

    private Builder(CtrModelConfig c) {
      model = c.model;
      numRows = c.numRows;
      numFields = c.numFields;
      embeddingDim = c.embeddingDim;
      mlp1Units = c.mlp1Units;
      mlp1Dropout = c.mlp1Dropout;
      mlp2Units = c.mlp2Units;
      mlp2Dropout = c.mlp2Dropout;
      batchNorm = c.batchNorm;
      gateHiddenUnits = c.gateHiddenUnits;
      gate1ContextFields = c.gate1ContextFields;
      gate2ContextFields = c.gate2ContextFields;
      heads = c.heads;
      embeddingL2 = c.embeddingL2;
      options = c.options;
    }

    /** Required: {@code finalmlp}, {@code dualmlp}, ... or a registered model's name. */
    public Builder setModel(String model) {
      this.model = model;
      return this;
    }

    /** Required: rows of the shared embedding table. */
    public Builder setNumRows(long numRows) {
      this.numRows = numRows;
      return this;
    }

    /** Required: F, index columns per example. */
    public Builder setNumFields(int numFields) {
      this.numFields = numFields;
      return this;
    }

    /** Required: d, the embedding width. */
    public Builder setEmbeddingDim(int embeddingDim) {
      this.embeddingDim = embeddingDim;
      return this;
    }

    /** Stream 1 (and DNN) hidden widths; default [400]. */
    public Builder optMlp1Units(List<Integer> mlp1Units) {
      this.mlp1Units = mlp1Units;
      return this;
    }

    /** Dropout after each stream 1 hidden layer; default 0. */
    public Builder optMlp1Dropout(float mlp1Dropout) {
      this.mlp1Dropout = mlp1Dropout;
      return this;
    }

    /** Stream 2 hidden widths; default [100]. */
    public Builder optMlp2Units(List<Integer> mlp2Units) {
      this.mlp2Units = mlp2Units;
      return this;
    }

    /** Dropout after each stream 2 hidden layer; default 0. */
    public Builder optMlp2Dropout(float mlp2Dropout) {
      this.mlp2Dropout = mlp2Dropout;
      return this;
    }

    /** Batch norm after each stream hidden Linear; default off. */
    public Builder optBatchNorm(boolean batchNorm) {
      this.batchNorm = batchNorm;
      return this;
    }

    /** Hidden widths of both gate MLPs; default [400]. */
    public Builder optGateHiddenUnits(List<Integer> gateHiddenUnits) {
      this.gateHiddenUnits = gateHiddenUnits;
      return this;
    }

    /** Fields driving stream 1's gate; default none (a learnable bias). */
    public Builder optGate1ContextFields(List<Integer> gate1ContextFields) {
      this.gate1ContextFields = gate1ContextFields;
      return this;
    }

    /** Fields driving stream 2's gate; default none (a learnable bias). */
    public Builder optGate2ContextFields(List<Integer> gate2ContextFields) {
      this.gate2ContextFields = gate2ContextFields;
      return this;
    }

    /** k of the bilinear fusion; default 1. */
    public Builder optHeads(int heads) {
      this.heads = heads;
      return this;
    }

    /** λ of the embedding penalty; default 0 (none). */
    public Builder optEmbeddingL2(float embeddingL2) {
      this.embeddingL2 = embeddingL2;
      return this;
    }

    /** Model-specific settings by key; default none. */
    public Builder optOptions(Map<String, String> options) {
      this.options = options;
      return this;
    }

    /**
     * @throws IllegalArgumentException when a required value is missing or any value is invalid
     */
    public CtrModelConfig build() {
      if (model == null) {
        throw new IllegalArgumentException(
            "CtrModelConfig needs setModel(name), a name such as " + CtrModels.NAMES);
      }
      if (numRows == 0) {
        throw new IllegalArgumentException("CtrModelConfig needs setNumRows(rows of the table)");
      }
      if (numFields == 0) {
        throw new IllegalArgumentException("CtrModelConfig needs setNumFields(index columns)");
      }
      if (embeddingDim == 0) {
        throw new IllegalArgumentException("CtrModelConfig needs setEmbeddingDim(d)");
      }
      return new CtrModelConfig(
          model,
          numRows,
          numFields,
          embeddingDim,
          mlp1Units,
          mlp1Dropout,
          mlp2Units,
          mlp2Dropout,
          batchNorm,
          gateHiddenUnits,
          gate1ContextFields,
          gate2ContextFields,
          heads,
          embeddingL2,
          options);
    }
  }
}
