package org.ctrflow.memnet.bench;

import java.util.List;
import org.ctrflow.connectors.generator.DriftStep;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.generator.SyntheticEvent;
import org.ctrflow.connectors.generator.SyntheticStream;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.features.FieldSpec;

/**
 * A {@code ctrflow generate} stream materialised as embedding rows and labels. Each field gets its
 * own row range (offset + value, no hashing), the item field sized for the items the drift script
 * adds, so no two feature values share a row.
 *
 * @param rows {@code count × F} rows, row-major
 * @param labels 1 for a click
 * @param teacher the generator's true click probability of each event (its hidden teacher's)
 * @param numRows rows the embedding table needs
 * @param fields F
 */
public record DriftStream(long[] rows, float[] labels, double[] teacher, long numRows, int fields) {

  public static DriftStream generate(GeneratorConfig config, int count) {
    List<GeneratorConfig.Field> fields = config.fields();
    long[] offsets = offsets(config);
    long total = offsets[fields.size()];
    long[] rows = new long[count * fields.size()];
    float[] labels = new float[count];
    double[] teacher = new double[count];
    SyntheticStream stream = new SyntheticStream(config);
    for (int i = 0; i < count; i++) {
      SyntheticEvent event = stream.next();
      for (int f = 0; f < fields.size(); f++) {
        String value = event.impression().features().get(fields.get(f).name());
        rows[i * fields.size() + f] = offsets[f] + Integer.parseInt(value);
      }
      labels[i] = event.click().isPresent() ? 1f : 0f;
      teacher[i] = event.pTrue();
    }
    return new DriftStream(rows, labels, teacher, total, fields.size());
  }

  /**
   * The rows' layout as a feature schema: field f's values v at row offset_f + v, the item field
   * sized for the items the drift script adds.
   */
  public static FeatureSchema schema(GeneratorConfig config) {
    long[] offsets = offsets(config);
    FeatureSchema.Builder schema = FeatureSchema.builder().optName("generated");
    for (int f = 0; f < config.fields().size(); f++) {
      schema.addField(
          FieldSpec.idRange(config.fields().get(f).name(), offsets[f], offsets[f + 1] - 1));
    }
    return schema.build();
  }

  /** Each field's first row, then the total. */
  private static long[] offsets(GeneratorConfig config) {
    List<GeneratorConfig.Field> fields = config.fields();
    int added =
        config.drift().steps().stream()
            .filter(s -> s instanceof DriftStep.NewItems)
            .mapToInt(s -> ((DriftStep.NewItems) s).count())
            .sum();
    int item =
        fields.stream()
            .map(GeneratorConfig.Field::name)
            .toList()
            .indexOf(GeneratorConfig.ITEM_FIELD);
    long[] offsets = new long[fields.size() + 1];
    for (int f = 0; f < fields.size(); f++) {
      offsets[f + 1] = offsets[f] + fields.get(f).cardinality() + (f == item ? added : 0);
    }
    return offsets;
  }

  public int count() {
    return labels.length;
  }
}
