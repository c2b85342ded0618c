package org.ctrflow.jobs.join;

import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.StateTtlConfig;
import org.apache.flink.api.common.state.ValueState;
import org.apache.flink.api.common.state.ValueStateDescriptor;
import org.apache.flink.streaming.api.functions.KeyedProcessFunction;
import org.apache.flink.util.Collector;
import org.ctrflow.connectors.events.HumanLabel;
import org.ctrflow.connectors.events.LabeledExample;

/**
 * Turns human labels, keyed by sample id, into labeled examples with their importance weight (1/p
 * of the query that selected the sample), once per sample id while its state lives: the labeling
 * queue publishes exactly once, but a replayed or re-published label must not train twice.
 *
 * <p>Human labels are merged into the join's output as examples of their own ({@code source =
 * human}), beside the click-join example of the same impression if there is one: they answer a
 * different question (the labeler's judgement, weighted to undo the query's sampling bias).
 */
public class HumanLabelDeduplicator
    extends KeyedProcessFunction<String, HumanLabel, LabeledExample> {

  private static final long serialVersionUID = 1L;

  private final LabelJoinOptions.Settings settings;
  private transient ValueState<Boolean> seen;
  private transient JoinCounters counters;

  public HumanLabelDeduplicator(LabelJoinOptions.Settings settings) {
    this.settings = settings;
  }

  @Override
  public void open(OpenContext context) {
    ValueStateDescriptor<Boolean> descriptor = new ValueStateDescriptor<>("seen", Boolean.class);
    descriptor.enableTimeToLive(
        StateTtlConfig.newBuilder(settings.stateTtl()).updateTtlOnCreateAndWrite().build());
    seen = getRuntimeContext().getState(descriptor);
    counters = new JoinCounters(getRuntimeContext().getMetricGroup());
  }

  @Override
  public void processElement(HumanLabel label, Context ctx, Collector<LabeledExample> out)
      throws Exception {
    counters.recordsIn.inc();
    if (seen.value() != null) {
      counters.recordsDeduplicated.inc();
      return;
    }
    seen.update(true);
    out.collect(label.toExample());
    counters.recordsJoined.inc();
    counters.examplesOut.inc();
  }
}
