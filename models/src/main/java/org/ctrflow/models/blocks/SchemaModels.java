package org.ctrflow.models.blocks;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.Arrays;
import org.ctrflow.models.features.FeatureSchema;

/**
 * Model hyper-parameters that follow a feature schema when no model config is given: a small table
 * (at most {@link #SMALL_TABLE_ROWS} rows, Frappe- or MovieLens-sized) takes FinalMLP's Frappe
 * configuration, a larger (hashed, Criteo-sized) one the {@link CtrModelConfig#criteoSized}
 * configuration; rows, fields and gate contexts always come from the schema.
 */
public final class SchemaModels {

  /** Tables up to this many rows count as small. */
  public static final int SMALL_TABLE_ROWS = 1 << 17;

  private static final ObjectMapper JSON = new ObjectMapper();

  private SchemaModels() {}

  /** Whether the schema's table is small (see the class comment). */
  public static boolean small(FeatureSchema schema) {
    return schema.totalRows() <= SMALL_TABLE_ROWS;
  }

  /** The model {@code model} sized for {@code schema}. */
  public static CtrModelConfig forSchema(String model, FeatureSchema schema) {
    CtrModelConfig base =
        small(schema)
            ? CtrModelConfig.frappe(model, schema.totalRows())
            : CtrModelConfig.criteoSized(model);
    return fit(base, schema);
  }

  /**
   * The model {@code model} for online learning on {@code schema}: {@link CtrModels#frappeOnline}
   * for a small table, {@link CtrModelConfig#criteoSized} for a larger one, fitted to the schema,
   * with {@link CtrModels#online}'s wide terms decided for the schema's own field count.
   */
  public static CtrModelConfig online(String model, FeatureSchema schema) {
    CtrModelConfig base =
        small(schema)
            ? CtrModels.frappeOnline(model, schema.totalRows())
            : CtrModelConfig.criteoSized(model);
    return CtrModels.online(fit(base.toBuilder().optOptions(java.util.Map.of()).build(), schema));
  }

  /**
   * {@code config} with the schema's rows, field count and gate contexts (the first two gates;
   * none: the gates learn a bias), everything else kept.
   */
  public static CtrModelConfig fit(CtrModelConfig config, FeatureSchema schema) {
    ObjectNode node;
    try {
      node = (ObjectNode) JSON.readTree(config.toJson());
    } catch (IOException e) {
      throw new IllegalStateException("cannot re-read a model config's JSON", e);
    }
    node.put("numRows", (long) schema.totalRows());
    node.put("numFields", schema.fieldCount());
    for (int gate = 0; gate < 2; gate++) {
      var indices = node.putArray("gate" + (gate + 1) + "ContextFields");
      if (gate < schema.gateContexts().size()) {
        Arrays.stream(schema.gateContextIndices(gate)).forEach(indices::add);
      }
    }
    return CtrModelConfig.fromJson(node.toString());
  }
}
