package org.ctrflow.jobs.training;

import java.io.IOException;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.TaskInfo;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.runtime.state.KeyGroupRangeAssignment;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.runtime.state.VoidNamespace;
import org.apache.flink.runtime.state.VoidNamespaceSerializer;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.InternalTimer;
import org.apache.flink.streaming.api.operators.InternalTimerService;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.api.operators.Triggerable;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelStore;
import org.ctrflow.models.training.TrainerConfig;

/**
 * Trains the models of a {@link TrainingSetup}, keyed by model name: each model lives in exactly
 * one subtask, which runs its {@link ModelRun} on the task thread (DJL allows one gradient
 * collector per JVM; {@code OnlineTrainer} serialises the steps of subtasks sharing a JVM).
 *
 * <p>Publishes a version when {@code publishEveryExamples} examples were trained since the last
 * one, or on a processing-time tick at least {@code publishIntervalMillis} after it; every tick
 * ({@code tickMillis}, a keyed timer per model) also trains the pending partial batch and reports
 * {@link TrainingMetrics} on the {@link #METRICS} side output. At the end of a bounded input every
 * model trains what is pending, publishes and reports once more.
 *
 * <p>State: each model's {@link ModelCheckpoint} (weights, optimizer, progress, publisher) in
 * <em>union</em> operator list state, because the weights are one value per model that must be
 * written exactly at the barrier (keyed state has no hook there). On restore every subtask reads
 * all entries and keeps the models whose key group it owns, so rescaling works; the cost is that
 * every subtask reads every model's entry once. Before the snapshot each model trains its pending
 * examples, so the state covers exactly the examples before the barrier.
 */
public final class TrainerOperator extends AbstractStreamOperator<ModelUpdate>
    implements OneInputStreamOperator<EncodedExample, ModelUpdate>,
        Triggerable<String, VoidNamespace>,
        BoundedOneInput {

  private static final long serialVersionUID = 1L;

  /** Where each model's metrics go, every tick. */
  public static final OutputTag<TrainingMetrics> METRICS =
      new OutputTag<>("training-metrics", TypeInformation.of(TrainingMetrics.class));

  private final TrainingSetup setup;
  private transient ListState<byte[]> checkpoints;
  private transient Map<String, ModelCheckpoint> restored;
  private transient Map<String, ModelRun> runs;
  private transient Map<String, TrainingGauges> gauges;
  private transient Map<String, CtrModelConfig> models;
  private transient FeatureSchema schema;
  private transient TrainerConfig trainerConfig;
  private transient ModelStore store;
  private transient InternalTimerService<VoidNamespace> timers;

  public TrainerOperator(TrainingSetup setup) {
    this.setup = setup;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    checkpoints =
        context
            .getOperatorStateStore()
            .getUnionListState(
                new ListStateDescriptor<>(
                    "trained-models", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    restored = new HashMap<>();
    if (context.isRestored()) {
      for (byte[] entry : checkpoints.get()) {
        ModelCheckpoint checkpoint = ModelCheckpoint.fromBytes(entry);
        if (ownsKey(checkpoint.modelName())) {
          restored.put(checkpoint.modelName(), checkpoint);
        }
      }
    }
  }

  private boolean ownsKey(String model) {
    TaskInfo task = getRuntimeContext().getTaskInfo();
    return KeyGroupRangeAssignment.assignKeyToParallelOperator(
            model, task.getMaxNumberOfParallelSubtasks(), task.getNumberOfParallelSubtasks())
        == task.getIndexOfThisSubtask();
  }

  @Override
  public void open() throws Exception {
    super.open();
    schema = setup.schema();
    trainerConfig = setup.trainer();
    models = new HashMap<>();
    setup.models().forEach(m -> models.put(m.model(), m));
    store = new DirectoryModelStore(Path.of(setup.modelStore()));
    runs = new TreeMap<>();
    gauges = new HashMap<>();
    timers = getInternalTimerService("training-ticks", VoidNamespaceSerializer.INSTANCE, this);
    // Restored models come back with their keyed tick timers; they get no new ones.
    for (ModelCheckpoint checkpoint : restored.values()) {
      if (models.containsKey(checkpoint.modelName())) {
        start(checkpoint.modelName(), checkpoint);
      } else {
        LOG.warn(
            "Dropping the restored state of model '{}': it is not in this job's models {}",
            checkpoint.modelName(),
            models.keySet());
      }
    }
    restored.clear();
  }

  @Override
  public void processElement(StreamRecord<EncodedExample> record) throws Exception {
    EncodedExample example = record.getValue();
    ModelRun run = runs.get(example.model());
    if (run == null) {
      run = start(example.model(), null);
      timers.registerProcessingTimeTimer(
          VoidNamespace.INSTANCE, timers.currentProcessingTime() + setup.tickMillis());
    }
    run.add(example.rows(), example.label(), example.weight());
    if (run.examplesSincePublish() >= setup.publishEveryExamples()) {
      publish(run, timers.currentProcessingTime());
    }
  }

  @Override
  public void onProcessingTime(InternalTimer<String, VoidNamespace> timer) throws Exception {
    ModelRun run = runs.get(timer.getKey());
    long now = timers.currentProcessingTime();
    run.flush();
    if (run.millisSincePublish(now) >= setup.publishIntervalMillis()) {
      publish(run, now);
    }
    report(run, now);
    timers.registerProcessingTimeTimer(VoidNamespace.INSTANCE, now + setup.tickMillis());
  }

  @Override
  public void onEventTime(InternalTimer<String, VoidNamespace> timer) {
    throw new IllegalStateException("the trainer registers no event-time timers");
  }

  @Override
  public void endInput() throws Exception {
    long now = getProcessingTimeService().getCurrentProcessingTime();
    for (ModelRun run : runs.values()) {
      publish(run, now);
      report(run, now);
    }
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    checkpoints.clear();
    for (ModelRun run : runs.values()) {
      checkpoints.add(run.checkpoint().toBytes());
    }
  }

  @Override
  public void close() throws Exception {
    if (runs != null) {
      runs.values().forEach(ModelRun::close);
      runs.clear();
    }
    super.close();
  }

  private void publish(ModelRun run, long now) throws IOException {
    List<ModelUpdate> updates = run.publish(now);
    for (ModelUpdate update : updates) {
      output.collect(new StreamRecord<>(update));
    }
  }

  private void report(ModelRun run, long now) {
    TrainingMetrics metrics = run.report(now);
    gauges.get(run.name()).update(metrics);
    output.collect(METRICS, new StreamRecord<>(metrics));
  }

  private ModelRun start(String name, ModelCheckpoint checkpoint) throws IOException {
    CtrModelConfig model = models.get(name);
    if (model == null) {
      throw new IllegalStateException(
          "no model '" + name + "' in this job's setup; configured: " + models.keySet());
    }
    ModelRun run =
        new ModelRun(
            model,
            trainerConfig,
            schema,
            store,
            setup.snapshotEvery(),
            checkpoint,
            getProcessingTimeService().getCurrentProcessingTime());
    runs.put(name, run);
    gauges.computeIfAbsent(name, n -> new TrainingGauges(getMetricGroup().addGroup("model", n)));
    return run;
  }
}
