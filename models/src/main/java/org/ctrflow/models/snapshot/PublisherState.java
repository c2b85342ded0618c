package org.ctrflow.models.snapshot;

/**
 * Where a {@link ModelPublisher} stands: what a restarted trainer needs, with its weights, to go on
 * publishing versions that follow the ones already out. Part of the training job's checkpoint.
 *
 * @param lastVersion the last version published, 0 before the first
 * @param deltasSinceSnapshot deltas published since the last full snapshot
 * @param snapshotDue the next version must be a full snapshot, because the weights do not descend
 *     from {@code lastVersion} (see {@link ModelPublisher#resume})
 */
public record PublisherState(long lastVersion, int deltasSinceSnapshot, boolean snapshotDue) {

  /** Nothing published yet. */
  public static final PublisherState INITIAL = new PublisherState(0, 0, true);

  public PublisherState {
    if (lastVersion < 0 || deltasSinceSnapshot < 0) {
      throw new IllegalArgumentException(
          "lastVersion and deltasSinceSnapshot must be >= 0, were "
              + lastVersion
              + " and "
              + deltasSinceSnapshot);
    }
    if (lastVersion == 0 && (deltasSinceSnapshot != 0 || !snapshotDue)) {
      throw new IllegalArgumentException(
          "before the first version no deltas exist and a snapshot is due; got "
              + deltasSinceSnapshot
              + " deltas, snapshotDue "
              + snapshotDue);
    }
  }
}
