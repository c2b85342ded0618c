package org.ctrflow.jobs.training;

import java.util.List;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.functions.RichFlatMapFunction;
import org.apache.flink.util.Collector;
import org.ctrflow.connectors.events.LabeledExample;
import org.ctrflow.models.features.FeatureEncoder;
import org.ctrflow.models.features.FeatureSchemaCodec;

/**
 * Encodes each labeled example once with the job's feature schema and sends it to every configured
 * model: one {@link EncodedExample} per model, keyed downstream by model name.
 */
public final class ExampleEncoder extends RichFlatMapFunction<LabeledExample, EncodedExample> {

  private static final long serialVersionUID = 1L;

  private final String schemaJson;
  private final List<String> models;
  private transient FeatureEncoder encoder;

  public ExampleEncoder(TrainingSetup setup) {
    this.schemaJson = setup.schemaJson();
    this.models = setup.modelNames();
  }

  @Override
  public void open(OpenContext context) {
    encoder = FeatureSchemaCodec.fromJson(schemaJson).encoder();
  }

  @Override
  public void flatMap(LabeledExample example, Collector<EncodedExample> out) {
    int[] rows = encoder.encode(example.features(), example.numericFeatures());
    for (String model : models) {
      out.collect(new EncodedExample(model, rows, example.label(), (float) example.weight()));
    }
  }
}
