package org.ctrflow.jobs.scoring;

import java.nio.file.Path;
import java.util.List;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.StateInitializationContext;
import org.apache.flink.runtime.state.StateSnapshotContext;
import org.apache.flink.streaming.api.operators.AbstractStreamOperator;
import org.apache.flink.streaming.api.operators.BoundedMultiInput;
import org.apache.flink.streaming.api.operators.TwoInputStreamOperator;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.util.OutputTag;
import org.apache.flink.util.Preconditions;
import org.ctrflow.activelearning.strategies.BudgetedSelector;
import org.ctrflow.activelearning.strategies.DiversityGuard;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.jobs.scoring.PendingBatch.Pending;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Rejected;

/**
 * Scores requests in batches with the latest good model versions, which arrive on input 2 as the
 * broadcast stream of model updates (flink-ml's pattern). Input 1 carries the score requests.
 *
 * <p><b>Batching.</b> Requests are buffered per instance and scored with one forward pass per model
 * when {@code batch-size} are buffered or {@code max-batch-delay} (a processing-time timer) has
 * passed since the first of them arrived ({@link PendingBatch}). The buffer is flushed, never
 * stored: before every checkpoint barrier ({@link #prepareSnapshotPreBarrier}), so its predictions
 * belong to that checkpoint and are committed with it by the exactly-once sinks; before a model
 * update is applied, so each request is scored by the version that was current when it arrived; and
 * at the end of the requests' input. Keeping it in state instead would only delay those predictions
 * to a later checkpoint and grow the checkpoint; it holds at most one batch, a few milliseconds of
 * traffic.
 *
 * <p><b>Before the first model.</b> Requests that come before the primary model's first version are
 * held in state ({@link HeldRequests}) and scored when it arrives. Every prediction is stamped with
 * the model name and version; samples the budget selects go to the {@link #LABEL_REQUESTS} side
 * output.
 *
 * <p><b>State</b>: broadcast {@link #MODEL_LOG} ({@link ModelUpdateLog}), and per instance the held
 * requests ({@code held-requests-json}), the selector (56 bytes) and the diversity guard. All but
 * the held requests keep the names the former broadcast function used, so its savepoints still map;
 * held requests of such a savepoint are not read. A corrupt or out-of-order update is rejected by
 * the follower and logged; scoring continues on the last good version.
 */
public class ScoringOperator extends AbstractStreamOperator<Prediction>
    implements TwoInputStreamOperator<ScoreRequest, ModelUpdate, Prediction>, BoundedMultiInput {

  /** The model-update replay log: key {@code model/sequence}, value the update's JSON. */
  public static final MapStateDescriptor<String, byte[]> MODEL_LOG =
      new MapStateDescriptor<>(
          "model-update-log", Types.STRING, PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO);

  public static final OutputTag<LabelRequest> LABEL_REQUESTS =
      new OutputTag<>("label-requests", TypeInformation.of(LabelRequest.class));

  private static final int GUARD_CAPACITY = 4_096;
  private static final int GUARD_HASHES = 64;
  private static final double GUARD_THRESHOLD = 0.8;

  private final ScoringConfig config;

  private transient FollowedModels models;
  private transient SelectingScorer scorer;
  private transient BudgetedSelector selector;
  private transient DiversityGuard guard;
  private transient HeldRequests held;
  private transient PendingBatch batch;
  private transient ModelUpdateLog modelLog;
  private transient ListState<byte[]> selectorState;
  private transient ListState<byte[]> guardState;
  private transient Counter scored;
  private transient Counter batches;
  private transient Counter labelRequests;
  private transient Counter updatesTaken;
  private transient Counter updatesRejected;

  public ScoringOperator(ScoringConfig config) {
    this.config = config;
  }

  @Override
  public void initializeState(StateInitializationContext context) throws Exception {
    super.initializeState(context);
    var info = getRuntimeContext().getTaskInfo();
    selector =
        BudgetedSelector.builder()
            .setTargetPerMinute(config.labelsPerMinute() / info.getNumberOfParallelSubtasks())
            .optSeed(config.seed() + info.getIndexOfThisSubtask())
            .build();
    guard =
        config.diversityWindowMillis() == 0
            ? null
            : new DiversityGuard(
                config.diversityWindowMillis(), GUARD_CAPACITY, GUARD_HASHES, GUARD_THRESHOLD);
    scorer = new SelectingScorer(config, selector, guard);
    models =
        new FollowedModels(config.models(), new DirectoryModelStore(Path.of(config.modelStore())));
    batch =
        new PendingBatch(
            config.batchSize(),
            config.maxBatchDelayMillis(),
            getProcessingTimeService(),
            this::flush);

    var store = context.getOperatorStateStore();
    modelLog = new ModelUpdateLog(store.getBroadcastState(MODEL_LOG));
    held = new HeldRequests(store);
    selectorState =
        store.getListState(
            new ListStateDescriptor<>(
                "selector", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    guardState =
        store.getListState(
            new ListStateDescriptor<>(
                "diversity-guard", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    if (context.isRestored()) {
      replay();
      held.restore();
      // After a rescale an instance may get several or no states: continue from the first.
      for (byte[] bytes : selectorState.get()) {
        selector.restore(bytes);
        break;
      }
      if (guard != null) {
        for (byte[] bytes : guardState.get()) {
          guard.restore(bytes);
          break;
        }
      }
    }
  }

  /** Rebuilds the models from the checkpointed log, in log order per model. */
  private void replay() throws Exception {
    for (ModelUpdate update : modelLog.restore()) {
      FollowedModels.Applied applied = models.apply(update);
      if (applied.outcome() instanceof Rejected r) {
        LOG.warn("replaying checkpointed update of {} failed: {}", update.modelName(), r);
      }
    }
    LOG.info("restored models {}", describe());
  }

  @Override
  public void open() throws Exception {
    super.open();
    var metrics = getMetricGroup();
    scored = metrics.counter("scored");
    batches = metrics.counter("batchesScored");
    labelRequests = metrics.counter("labelRequests");
    updatesTaken = metrics.counter("modelUpdatesTaken");
    updatesRejected = metrics.counter("modelUpdatesRejected");
    metrics.gauge("heldRequests", () -> held.size());
    metrics.gauge("refusedAsDuplicates", () -> scorer.refusedAsDuplicates());
    metrics.gauge("modelVersion", () -> models.primary().map(s -> s.info().version()).orElse(0L));
    // Restored with a model: requests held before the checkpoint are scored by the first batch.
    releaseHeld();
  }

  @Override
  public void processElement1(StreamRecord<ScoreRequest> element) {
    if (models.primary().isEmpty()) {
      held.hold(element.getValue());
      return;
    }
    batch.add(new Pending(element.getValue(), element.getTimestamp(), element.hasTimestamp()));
  }

  /** Scores the buffered batch, if any, and emits every result. */
  private void flush() {
    List<Pending> requests = batch.drain();
    if (requests.isEmpty()) {
      return;
    }
    List<SelectingScorer.Scored> results =
        scorer.score(requests.stream().map(Pending::request).toList(), models.loaded());
    for (int i = 0; i < results.size(); i++) {
      Pending pending = requests.get(i);
      SelectingScorer.Scored result = results.get(i);
      output.collect(stamped(new StreamRecord<>(result.prediction()), pending));
      if (result.labelRequest() != null) {
        output.collect(LABEL_REQUESTS, stamped(new StreamRecord<>(result.labelRequest()), pending));
        labelRequests.inc();
      }
    }
    scored.inc(results.size());
    batches.inc();
  }

  private static <T> StreamRecord<T> stamped(StreamRecord<T> record, Pending pending) {
    if (pending.hasTimestamp()) {
      record.setTimestamp(pending.timestamp());
    }
    return record;
  }

  @Override
  public void processElement2(StreamRecord<ModelUpdate> element) throws Exception {
    // Requests that came before this update are scored by the version they came to.
    flush();
    ModelUpdate update = element.getValue();
    FollowedModels.Applied applied = models.apply(update);
    modelLog.record(update, applied.logChange());
    if (applied.outcome() instanceof Rejected rejected) {
      updatesRejected.inc();
      LOG.warn("rejected {}: {}; scoring continues with {}", update, rejected, describe());
    } else if (applied.logChange() != FollowedModels.LogChange.NONE) {
      updatesTaken.inc();
    }
    releaseHeld();
  }

  /** Once the primary model is loaded, moves the held requests into batches. */
  private void releaseHeld() {
    if (models.primary().isEmpty() || held.isEmpty()) {
      return;
    }
    LOG.info("primary model loaded: scoring {} held requests", held.size());
    for (ScoreRequest request : held.release()) {
      batch.add(new Pending(request, 0, false));
    }
  }

  private String describe() {
    StringBuilder text = new StringBuilder();
    models
        .loaded()
        .forEach(
            (name, s) -> text.append(name).append(" v").append(s.info().version()).append(' '));
    return text.isEmpty() ? "no model" : text.toString().trim();
  }

  /** Input 1 (requests) ended: nothing more will fill the batch. */
  @Override
  public void endInput(int inputId) {
    if (inputId == 1) {
      flush();
    }
  }

  @Override
  public void finish() throws Exception {
    flush();
    if (!held.isEmpty()) {
      LOG.warn(
          "input ended with {} requests held: no version of {} ever arrived",
          held.size(),
          config.primary());
    }
    super.finish();
  }

  @Override
  public void prepareSnapshotPreBarrier(long checkpointId) throws Exception {
    super.prepareSnapshotPreBarrier(checkpointId);
    flush();
  }

  @Override
  public void snapshotState(StateSnapshotContext context) throws Exception {
    super.snapshotState(context);
    // prepareSnapshotPreBarrier emptied the buffer; a request in it now would be lost on restore.
    Preconditions.checkState(
        batch.isEmpty(), "%s buffered requests at a snapshot without a flush", batch.size());
    held.snapshot();
    selectorState.update(List.of(selector.toBytes()));
    guardState.update(guard == null ? List.of() : List.of(guard.toBytes()));
  }

  @Override
  public void close() throws Exception {
    if (models != null) {
      models.close();
    }
    super.close();
  }
}
