package org.ctrflow.memnet.bench;

import java.util.List;
import org.ctrflow.connectors.generator.DriftStep;
import org.ctrflow.connectors.generator.GeneratorConfig;
import org.ctrflow.connectors.generator.SyntheticEvent;
import org.ctrflow.connectors.generator.SyntheticStream;

/**
 * A {@code ctrflow generate} stream materialised as embedding rows and labels. Each field gets its
 * own row range (offset + value, no hashing), the item field sized for the items the drift script
 * adds, so no two feature values share a row.
 *
 * @param rows {@code count × F} rows, row-major
 * @param labels 1 for a click
 * @param numRows rows the embedding table needs
 * @param fields F
 */
record DriftStream(long[] rows, float[] labels, long numRows, int fields) {

  static DriftStream generate(GeneratorConfig config, int count) {
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
    long[] offsets = new long[fields.size()];
    long total = 0;
    for (int f = 0; f < fields.size(); f++) {
      offsets[f] = total;
      total += fields.get(f).cardinality() + (f == item ? added : 0);
    }
    long[] rows = new long[count * fields.size()];
    float[] labels = new float[count];
    SyntheticStream stream = new SyntheticStream(config);
    for (int i = 0; i < count; i++) {
      SyntheticEvent event = stream.next();
      for (int f = 0; f < fields.size(); f++) {
        String value = event.impression().features().get(fields.get(f).name());
        rows[i * fields.size() + f] = offsets[f] + Integer.parseInt(value);
      }
      labels[i] = event.click().isPresent() ? 1f : 0f;
    }
    return new DriftStream(rows, labels, total, fields.size());
  }

  int count() {
    return labels.length;
  }
}
