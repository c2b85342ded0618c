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
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedOneInput;
import org.apache.flink.streaming.api.operators.OneInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.runtime.tasks.ProcessingTimeService;
import org.apache.flink.util.OutputTag;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.TrainingMetrics;
import org.ctrflow.models.blocks.CtrModelConfig;
import org.ctrflow.models.features.FeatureSchema;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelStore;
import org.ctrflow.models.training.TrainerConfig;

/**
 * Trains the models of a {@link TrainingSetup}. Model {@code i} (in the setup's order) lives in
 * subtask {@code i mod parallelism}: {@link ModelPartitioner} sends its examples there, and that
 * subtask runs its {@link ModelRun} on the task thread (DJL allows one gradient collector per JVM;
 * {@code OnlineTrainer} serialises the steps of subtasks sharing a JVM). Placing models by index
 * rather than by key hash spreads them evenly: Flink's key groups put {@code finalmlp}, {@code
 * dnn}, {@code dualmlp} and {@code memnet} all on subtask 0 of 2.
 *
 * <p>Publishes a version when {@code publishEveryExamples} examples were trained since the last
 * one, or on a processing-time tick at least {@code publishIntervalMillis} after it; every tick
 * ({@code tickMillis}) also trains each model's pending partial batch and reports {@link
 * TrainingMetrics} on the {@link #METRICS} side output. At the end of a bounded input every model
 * trains what is pending, publishes and reports once more.
 *
 * <p>State: each model's {@link ModelCheckpoint} (weights, optimizer, progress, publisher) in
 * <em>union</em> operator list state. On restore every subtask reads all entries and keeps the
 * models it now owns, so a change of parallelism moves models correctly; the cost is that every
 * subtask reads every model's entry once. Before the snapshot each model trains its pending
 * examples, so the state covers exactly the examples before the barrier.
 */
public final class TrainerOperator extends AbstractStreamOperator<ModelUpdate>
    implements OneInputStreamOperator<EncodedExample, ModelUpdate>,
        ProcessingTimeService.ProcessingTimeCallback,
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
        if (owns(checkpoint.modelName())) {
          restored.put(checkpoint.modelName(), checkpoint);
        }
      }
    }
  }

  /** Whether this subtask trains {@code model}; false for a model the setup no longer has. */
  private boolean owns(String model) {
    TaskInfo task = getRuntimeContext().getTaskInfo();
    int index = setup.modelNames().indexOf(model);
    if (index < 0) {
      LOG.warn(
          "Dropping the restored state of model '{}': it is not in this job's models {}",
          model,
          setup.modelNames());
      return false;
    }
    return ModelPartitioner.subtask(index, task.getNumberOfParallelSubtasks())
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
    for (ModelCheckpoint checkpoint : restored.values()) {
      start(checkpoint.modelName(), checkpoint);
    }
    restored.clear();
    ProcessingTimeService time = getProcessingTimeService();
    time.registerTimer(time.getCurrentProcessingTime() + setup.tickMillis(), this);
  }

  @Override
  public void processElement(StreamRecord<EncodedExample> record) throws Exception {
    EncodedExample example = record.getValue();
    ModelRun run = runs.get(example.model());
    if (run == null) {
      run = start(example.model(), null);
    }
    run.add(example.rows(), example.label(), example.weight());
    if (run.examplesSincePublish() >= setup.publishEveryExamples()) {
      publish(run, getProcessingTimeService().getCurrentProcessingTime());
    }
  }

  /** The tick: train pending partial batches, publish what is due by time, report metrics. */
  @Override
  public void onProcessingTime(long time) throws Exception {
    for (ModelRun run : runs.values()) {
      run.flush();
      if (run.millisSincePublish(time) >= setup.publishIntervalMillis()) {
        publish(run, time);
      }
      report(run, time);
    }
    getProcessingTimeService().registerTimer(time + setup.tickMillis(), this);
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
    gauges.get(run.name()).update(metrics, run.diagnostics());
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
