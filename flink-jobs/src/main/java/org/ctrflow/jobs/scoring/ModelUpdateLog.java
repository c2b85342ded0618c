package org.ctrflow.jobs.scoring;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.flink.api.common.state.BroadcastState;
import org.ctrflow.connectors.events.EventSerde;
import org.ctrflow.connectors.events.ModelUpdate;

/**
 * The broadcast log of the model updates taken, from which every instance rebuilds its models on
 * restore: per model, the last snapshot announcement taken and the delta chunks taken since (see
 * {@link FollowedModels}). Key {@code model/sequence} (the sequence zero-padded, so keys sort in
 * log order), value the update's JSON.
 */
final class ModelUpdateLog {

  private final BroadcastState<String, byte[]> state;
  private final Map<String, Long> nextSequence = new TreeMap<>();

  ModelUpdateLog(BroadcastState<String, byte[]> state) {
    this.state = state;
  }

  /** The checkpointed updates, in log order per model; later appends continue their sequence. */
  List<ModelUpdate> restore() throws Exception {
    TreeMap<String, byte[]> ordered = new TreeMap<>();
    for (Map.Entry<String, byte[]> e : state.entries()) {
      ordered.put(e.getKey(), e.getValue());
    }
    List<ModelUpdate> updates = new ArrayList<>(ordered.size());
    for (Map.Entry<String, byte[]> e : ordered.entrySet()) {
      String model = e.getKey().substring(0, e.getKey().lastIndexOf('/'));
      long sequence = Long.parseLong(e.getKey().substring(model.length() + 1));
      nextSequence.put(model, sequence + 1);
      updates.add(EventSerde.MODEL_UPDATE.deserialize(e.getValue()));
    }
    return updates;
  }

  /**
   * Records {@code update} as {@link FollowedModels#apply} said: restart the model's log, append,
   * or not at all.
   */
  void record(ModelUpdate update, FollowedModels.LogChange change) throws Exception {
    switch (change) {
      case RESTART -> {
        List<String> stale = new ArrayList<>();
        for (Map.Entry<String, byte[]> e : state.entries()) {
          if (e.getKey().startsWith(update.modelName() + "/")) {
            stale.add(e.getKey());
          }
        }
        for (String key : stale) {
          state.remove(key);
        }
        append(update);
      }
      case APPEND -> append(update);
      case NONE -> {}
    }
  }

  private void append(ModelUpdate update) throws Exception {
    long sequence = nextSequence.merge(update.modelName(), 1L, Long::sum) - 1;
    state.put(
        update.modelName() + "/" + String.format("%019d", sequence),
        EventSerde.MODEL_UPDATE.serialize(update));
  }
}
