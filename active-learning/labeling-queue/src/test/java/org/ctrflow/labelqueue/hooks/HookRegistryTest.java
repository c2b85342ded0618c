package org.ctrflow.labelqueue.hooks;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rocksdb.WriteBatch;

/** The hook outbox as an earlier version left it (one queue for all) becomes a queue each. */
class HookRegistryTest {

  @TempDir Path dir;

  @Test
  void anOutboxOfAnEarlierVersionIsRekeyedPerSubscriber() {
    HookTargets targets = HookTargets.of(List.of("127.0.0.1/32"));
    String id;
    try (QueueStore store = QueueStore.open(dir)) {
      id =
          new HookRegistry(store, targets, 3)
              .register("http://127.0.0.1:9/h", EnumSet.allOf(HookEventType.class), 1)
              .id();
      try (WriteBatch batch = new WriteBatch()) {
        // Keyed by sequence alone; the second one's subscriber was deleted.
        store.put(
            batch,
            Family.HOOK_OUTBOX,
            TaskKeys.sequence(7),
            QueueJson.write(new HookDelivery(7, "msg_a", id, "{}", 2, 5)));
        store.put(
            batch,
            Family.HOOK_OUTBOX,
            TaskKeys.sequence(8),
            QueueJson.write(new HookDelivery(8, "msg_b", "sub_gone", "{}", 0, 5)));
        store.write(batch);
      }
    }
    try (QueueStore store = QueueStore.open(dir)) {
      HookRegistry registry = new HookRegistry(store, targets, 3);
      assertThat(store.count(Family.HOOK_OUTBOX)).isEqualTo(1);
      assertThat(registry.pending(id)).isEqualTo(1);
      assertThat(registry.firstDue(id, 5))
          .hasValueSatisfying(d -> assertThat(d.seq()).isEqualTo(7));
      assertThat(registry.firstDue(id, 4)).isEmpty();
      // New deliveries continue the sequence after the highest one stored.
      assertThat(store.nextSequence(Family.HOOK_OUTBOX)).isEqualTo(8);
    }
  }
}
