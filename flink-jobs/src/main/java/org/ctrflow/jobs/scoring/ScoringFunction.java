package org.ctrflow.jobs.scoring;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import org.apache.flink.api.common.functions.OpenContext;
import org.apache.flink.api.common.state.BroadcastState;
import org.apache.flink.api.common.state.ListState;
import org.apache.flink.api.common.state.ListStateDescriptor;
import org.apache.flink.api.common.state.MapStateDescriptor;
import org.apache.flink.api.common.typeinfo.PrimitiveArrayTypeInfo;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.metrics.Counter;
import org.apache.flink.runtime.state.FunctionInitializationContext;
import org.apache.flink.runtime.state.FunctionSnapshotContext;
import org.apache.flink.streaming.api.checkpoint.CheckpointedFunction;
import org.apache.flink.streaming.api.functions.co.BroadcastProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.ctrflow.activelearning.strategies.BudgetedSelector;
import org.ctrflow.activelearning.strategies.DiversityGuard;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.connectors.events.Prediction;
import org.ctrflow.connectors.events.ScoreRequest;
import org.ctrflow.models.snapshot.DirectoryModelStore;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Rejected;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Scores requests with the latest good model versions, which arrive as the broadcast stream of
 * model updates (flink-ml's pattern): requests that come before the primary model's first version
 * are held in state and scored when it arrives; every prediction is stamped with the model name and
 * version; samples the budget selects go to the {@link #LABEL_REQUESTS} side output.
 *
 * <p>State: the broadcast {@link #MODEL_LOG} (per model, the last snapshot announcement taken and
 * the delta chunks taken since; see {@link FollowedModels}), and per instance the held requests,
 * the selector (56 bytes) and the diversity guard. A corrupt or out-of-order update is rejected by
 * the follower and logged; scoring continues on the last good version.
 */
public class ScoringFunction extends BroadcastProcessFunction<ScoreRequest, ModelUpdate, Prediction>
    implements CheckpointedFunction {

  private static final Logger LOG = LoggerFactory.getLogger(ScoringFunction.class);

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
  private transient RequestScorer scorer;
  private transient BudgetedSelector selector;
  private transient DiversityGuard guard;
  private transient List<ScoreRequest> held;
  private transient Map<String, Long> nextSequence;
  private transient ListState<ScoreRequest> heldState;
  private transient ListState<byte[]> selectorState;
  private transient ListState<byte[]> guardState;
  private transient Counter scored;
  private transient Counter labelRequests;
  private transient Counter updatesTaken;
  private transient Counter updatesRejected;

  public ScoringFunction(ScoringConfig config) {
    this.config = config;
  }

  @Override
  public void initializeState(FunctionInitializationContext context) throws Exception {
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
    scorer = new RequestScorer(config, selector, guard);
    models =
        new FollowedModels(config.models(), new DirectoryModelStore(Path.of(config.modelStore())));
    nextSequence = new TreeMap<>();
    held = new ArrayList<>();

    var store = context.getOperatorStateStore();
    heldState =
        store.getListState(
            new ListStateDescriptor<>("held-requests", TypeInformation.of(ScoreRequest.class)));
    selectorState =
        store.getListState(
            new ListStateDescriptor<>(
                "selector", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    guardState =
        store.getListState(
            new ListStateDescriptor<>(
                "diversity-guard", PrimitiveArrayTypeInfo.BYTE_PRIMITIVE_ARRAY_TYPE_INFO));
    if (context.isRestored()) {
      replay(store.getBroadcastState(MODEL_LOG));
      heldState.get().forEach(held::add);
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
  private void replay(BroadcastState<String, byte[]> log) throws Exception {
    TreeMap<String, byte[]> ordered = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : log.entries()) {
      ordered.put(e.getKey(), e.getValue());
    }
    for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
      String model = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
      long sequence = Long.parseLong(e.getKey().substring(model.length() + 1));
      nextSequence.put(model, sequence + 1);
      FollowedModels.Applied applied =
          models.apply(EventSerde.MODEL_UPDATE.deserialize(e.getValue()));
      if (applied.outcome() instanceof Rejected r) {
        LOG.warn("replaying checkpointed update of {} failed: {}", model, r);
      }
    }
    LOG.info("restored models {}", describe());
  }

  @Override
  public void open(OpenContext openContext) {
    var metrics = getRuntimeContext().getMetricGroup();
    scored = metrics.counter("scored");
    labelRequests = metrics.counter("labelRequests");
    updatesTaken = metrics.counter("modelUpdatesTaken");
    updatesRejected = metrics.counter("modelUpdatesRejected");
    metrics.gauge("heldRequests", () -> held.size());
    metrics.gauge("refusedAsDuplicates", () -> scorer.refusedAsDuplicates());
    metrics.gauge("modelVersion", () -> models.primary().map(s -> s.info().version()).orElse(0L));
  }

  @Override
  public void processElement(ScoreRequest request, ReadOnlyContext ctx, Collector<Prediction> out) {
    if (models.primary().isEmpty()) {
      held.add(request);
      return;
    }
    score(request, r -> ctx.output(LABEL_REQUESTS, r), out);
  }

  @Override
  public void processBroadcastElement(ModelUpdate update, Context ctx, Collector<Prediction> out)
      throws Exception {
    FollowedModels.Applied applied = models.apply(update);
    BroadcastState<String, byte[]> log = ctx.getBroadcastState(MODEL_LOG);
    String model = update.modelName();
    switch (applied.logChange()) {
      case RESTART -> {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : log.entries()) {
          if (e.getKey().startsWith(model + "/")) {
            stale.add(e.getKey());
          }
        }
        for (String key : stale) {
          log.remove(key);
        }
        append(log, update);
      }
      case APPEND -> append(log, update);
      case NONE -> {}
    }
    if (applied.outcome() instanceof Rejected rejected) {
      updatesRejected.inc();
      LOG.warn("rejected {}: {}; scoring continues with {}", update, rejected, describe());
    } else if (applied.logChange() != FollowedModels.LogChange.NONE) {
      updatesTaken.inc();
    }
    if (models.primary().isPresent() && !held.isEmpty()) {
      LOG.info("first model arrived: scoring {} held requests", held.size());
      for (ScoreRequest request : held) {
        score(request, r -> ctx.output(LABEL_REQUESTS, r), out);
      }
      held.clear();
    }
  }

  private void append(BroadcastState<String, byte[]> log, ModelUpdate update) throws Exception {
    long sequence = nextSequence.merge(update.modelName(), 1L, Long::sum) - 1;
    log.put(
        update.modelName() + "/" + String.format("%019d", sequence),
        EventSerde.MODEL_UPDATE.serialize(update));
  }

  private void score(
      ScoreRequest request, Consumer<LabelRequest> toLabel, Collector<Prediction> out) {
    RequestScorer.Scored result = scorer.score(request, models.loaded());
    out.collect(result.prediction());
    scored.inc();
    if (result.labelRequest() != null) {
      toLabel.accept(result.labelRequest());
      labelRequests.inc();
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

  @Override
  public void snapshotState(FunctionSnapshotContext context) throws Exception {
    heldState.update(held);
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
