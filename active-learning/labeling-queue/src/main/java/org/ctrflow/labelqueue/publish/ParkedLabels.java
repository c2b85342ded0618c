package org.ctrflow.labelqueue.publish;

import java.util.ArrayList;
import java.util.List;
import org.ctrflow.labelqueue.QueueMetrics;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.rocksdb.WriteBatch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Labels taken out of the outbox because the human-labels topic's consumers would refuse them (an
 * earlier version stored a label over the event limit). Parking keeps the outbox moving and the
 * label itself, with the reason, for an operator: {@code GET /api/labels/parked}.
 */
public final class ParkedLabels {

  private static final Logger LOG = LoggerFactory.getLogger(ParkedLabels.class);

  /**
   * One parked label.
   *
   * @param seq its outbox sequence
   * @param reason why it cannot be published
   * @param parkedAt epoch ms
   * @param label the label's bytes as stored
   */
  public record Parked(long seq, String reason, long parkedAt, byte[] label) {}

  private final QueueStore store;
  private final QueueMetrics metrics;

  public ParkedLabels(QueueStore store, QueueMetrics metrics) {
    this.store = store;
    this.metrics = metrics;
  }

  /** Moves outbox entry {@code seq} here, in one synced batch. */
  void park(long seq, byte[] label, String reason) {
    Parked p = new Parked(seq, reason, System.currentTimeMillis(), label);
    try (WriteBatch batch = new WriteBatch()) {
      store.delete(batch, Family.LABEL_OUTBOX, TaskKeys.sequence(seq));
      store.put(batch, Family.LABEL_PARKED, TaskKeys.sequence(seq), QueueJson.write(p));
      store.write(batch);
    }
    metrics.labelsParked.inc();
    LOG.error("parked outbox label {} ({} bytes): {}", seq, label.length, reason);
  }

  /** Every parked label, oldest first. */
  public List<Parked> all() {
    List<Parked> out = new ArrayList<>();
    store.scan(
        Family.LABEL_PARKED,
        null,
        (k, v) -> {
          out.add(QueueJson.read(v, Parked.class));
          return true;
        });
    return out;
  }
}
