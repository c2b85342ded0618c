package org.ctrflow.jobs.scoring;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.ctrflow.connectors.events.ModelUpdate;
import org.ctrflow.models.snapshot.ModelStore;
import org.ctrflow.models.snapshot.ModelUpdateFollower;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Outcome;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Pending;
import org.ctrflow.models.snapshot.ModelUpdateFollower.Updated;
import org.ctrflow.models.snapshot.Servable;

/**
 * The models a scoring instance follows, each through a {@link ModelUpdateFollower}, and the
 * Servable of each one's latest good version. Flink-free; {@link ScoringOperator} feeds it the
 * broadcast model updates.
 *
 * <p>What a checkpoint keeps is a replay log, not the weights: per model the announcement of the
 * last snapshot taken and every delta chunk taken since (see {@link #apply}). Replaying the log
 * into fresh followers loads the snapshot from the store and re-applies the deltas, so a restore
 * rebuilds the same versions while a checkpoint stays small (a few delta chunks, not the model).
 */
final class FollowedModels implements AutoCloseable {

  /** How the replay log changes after an event. */
  enum LogChange {
    /** A snapshot was taken: the model's log restarts with this announcement. */
    RESTART,
    /** A delta chunk was taken (or held for the rest of its delta): append it. */
    APPEND,
    /** Nothing to keep: ignored, or rejected (the last good model stays). */
    NONE
  }

  record Applied(Outcome outcome, LogChange logChange) {}

  private final Map<String, ModelUpdateFollower> followers = new LinkedHashMap<>();
  private final Map<String, Servable> current = new LinkedHashMap<>();
  private final String primary;

  FollowedModels(List<String> models, ModelStore store) {
    for (String model : models) {
      followers.put(model, new ModelUpdateFollower(model, store));
    }
    primary = models.get(0);
  }

  /** Feeds one update to its model's follower; updates for models not followed are ignored. */
  Applied apply(ModelUpdate update) {
    ModelUpdateFollower follower = followers.get(update.modelName());
    if (follower == null) {
      return new Applied(
          new ModelUpdateFollower.Ignored("model " + update.modelName() + " is not followed"),
          LogChange.NONE);
    }
    Outcome outcome = follower.accept(update);
    if (outcome instanceof Updated updated) {
      Servable previous = current.put(update.modelName(), updated.servable());
      if (previous != null) {
        previous.close(); // one thread scores, so nothing is mid-pass on it
      }
      return new Applied(
          outcome,
          updated.source() == ModelUpdate.Kind.SNAPSHOT ? LogChange.RESTART : LogChange.APPEND);
    }
    return new Applied(outcome, outcome instanceof Pending ? LogChange.APPEND : LogChange.NONE);
  }

  /** The primary model's current Servable, once its first version was loaded. */
  Optional<Servable> primary() {
    return Optional.ofNullable(current.get(primary));
  }

  /** Every loaded model's current Servable, primary first. */
  Map<String, Servable> loaded() {
    return current;
  }

  @Override
  public void close() {
    current.values().forEach(Servable::close);
    current.clear();
  }
}
