package org.ctrflow.labelqueue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.ctrflow.connectors.events.InvalidEventException;
import org.ctrflow.connectors.events.LabelRequest;
import org.ctrflow.labelqueue.hooks.HookEventType;
import org.ctrflow.labelqueue.hooks.HookRegistry;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.QueueStore;
import org.ctrflow.labelqueue.store.QueueStore.Family;
import org.ctrflow.labelqueue.store.TaskException;
import org.ctrflow.labelqueue.store.TaskException.Kind;
import org.ctrflow.labelqueue.store.TaskKeys;
import org.ctrflow.labelqueue.store.TaskRecord;
import org.ctrflow.labelqueue.store.TaskState;
import org.rocksdb.WriteBatch;

/**
 * The labeling tasks and their state machine: pending -&gt; leased -&gt; labeled, back to pending
 * when a lease ends or a labeler skips, expired when too old or skipped too often. Every change is
 * one synced RocksDB batch together with what it causes (the human label in the label outbox, web
 * hook deliveries in the hook outbox), so nothing acknowledged is lost by a kill and nothing is
 * half-done.
 *
 * <p>Mutations are serialized by one lock: the queue is bound by synced writes, not by contention.
 */
public final class TaskQueue {

  private final QueueStore store;
  private final HookRegistry hooks;
  private final Duration leaseTimeout;
  private final Duration taskTtl;
  private final int maxSkips;
  private final Map<TaskState, AtomicLong> counts = new EnumMap<>(TaskState.class);
  private final Runnable labelsAdded;

  /**
   * @param labelsAdded called after a label entered the outbox (wakes the publisher)
   */
  public TaskQueue(
      QueueStore store,
      HookRegistry hooks,
      Duration leaseTimeout,
      Duration taskTtl,
      int maxSkips,
      Runnable labelsAdded) {
    this.store = store;
    this.hooks = hooks;
    this.leaseTimeout = leaseTimeout;
    this.taskTtl = taskTtl;
    this.maxSkips = maxSkips;
    this.labelsAdded = labelsAdded;
    for (TaskState s : TaskState.values()) {
      counts.put(s, new AtomicLong());
    }
    store.scan(
        Family.TASKS,
        null,
        (k, v) -> {
          counts.get(QueueJson.readTask(v).state()).incrementAndGet();
          return true;
        });
  }

  /**
   * Stores the requests not seen before as pending tasks, durably, in one batch; requests whose
   * sample id is known are ignored (redelivery after a crash, or a duplicate upstream).
   *
   * @return how many tasks were new
   */
  public synchronized int ingest(List<LabelRequest> requests, long now) {
    int added = 0;
    try (WriteBatch batch = new WriteBatch()) {
      java.util.Set<String> inBatch = new java.util.HashSet<>();
      for (LabelRequest r : requests) {
        if (!inBatch.add(r.sampleId()) || find(r.sampleId()).isPresent()) {
          continue;
        }
        TaskRecord task = TaskRecord.pending(r, now);
        putTask(batch, task);
        store.put(batch, Family.PENDING, task.priorityKey(), new byte[0]);
        hooks.enqueue(batch, HookEventType.TASK_CREATED, task, now);
        added++;
      }
      if (added > 0) {
        store.write(batch);
        counts.get(TaskState.PENDING).addAndGet(added);
      }
    }
    return added;
  }

  /**
   * The task {@code labeler} should label next: the one it already holds (so a reloaded page shows
   * the same task), else the best pending task, leased to it until now + lease timeout.
   */
  public synchronized Optional<TaskRecord> lease(String labeler, long now) {
    Optional<TaskRecord> held = heldBy(labeler);
    if (held.isPresent()) {
      return held;
    }
    byte[][] first = {null};
    store.scan(
        Family.PENDING,
        null,
        (k, v) -> {
          first[0] = k;
          return false;
        });
    if (first[0] == null) {
      return Optional.empty();
    }
    TaskRecord task = require(TaskKeys.sampleIdOfPriority(first[0]));
    TaskRecord leased = task.leased(labeler, now + leaseTimeout.toMillis());
    try (WriteBatch batch = new WriteBatch()) {
      store.delete(batch, Family.PENDING, first[0]);
      store.put(
          batch,
          Family.LEASES,
          TaskKeys.lease(leased.leaseUntil(), leased.sampleId()),
          new byte[0]);
      putTask(batch, leased);
      store.write(batch);
    }
    move(TaskState.PENDING, TaskState.LEASED);
    return Optional.of(leased);
  }

  /**
   * A labeling outcome.
   *
   * @param task the labeled task
   * @param changed false when the task already had this label (a repeated call changes nothing)
   */
  public record LabelResult(TaskRecord task, boolean changed) {}

  /**
   * Labels a task and queues its human label (weighted 1/p) and the task-labeled hooks. Idempotent:
   * labeling a labeled task again with the same value changes nothing.
   *
   * @param requireLease when true the task must be pending or leased by {@code labeler} (the
   *     labeler API, Label Studio); the signed inbound hook passes false
   * @throws TaskException NOT_FOUND for an unknown sample, CONFLICT for a different label, an
   *     expired task or another labeler's lease, UNPROCESSABLE for a label too large to publish
   */
  public synchronized LabelResult label(
      String sampleId, int label, String labeler, boolean requireLease, long now) {
    if (label != 0 && label != 1) {
      throw new IllegalArgumentException("label must be 0 (no click) or 1 (click); was " + label);
    }
    TaskRecord task = require(sampleId);
    switch (task.state()) {
      case LABELED -> {
        if (task.label() == label) {
          return new LabelResult(task, false);
        }
        throw new TaskException(
            Kind.CONFLICT,
            "task " + sampleId + " is already labeled " + task.label() + " by " + task.labeler());
      }
      case EXPIRED ->
          throw new TaskException(Kind.CONFLICT, "task " + sampleId + " expired: " + task.reason());
      case LEASED -> {
        if (requireLease && !task.leasedBy().equals(labeler)) {
          throw new TaskException(
              Kind.CONFLICT, "task " + sampleId + " is leased by another labeler");
        }
      }
      case PENDING -> {}
    }
    byte[] human;
    try {
      human = TaskRules.publishable(TaskRules.humanLabel(task.request(), label, labeler, now));
    } catch (InvalidEventException e) {
      // Only tasks stored before ingest checked this get here: refuse rather than block the outbox.
      throw new TaskException(
          Kind.UNPROCESSABLE,
          "the human label of task " + sampleId + " cannot be published: " + e.getMessage());
    }
    TaskRecord labeled = task.labeled(label, labeler, now);
    try (WriteBatch batch = new WriteBatch()) {
      unindex(batch, task);
      putTask(batch, labeled);
      store.put(
          batch,
          Family.LABEL_OUTBOX,
          TaskKeys.sequence(store.nextSequence(Family.LABEL_OUTBOX)),
          human);
      hooks.enqueue(batch, HookEventType.TASK_LABELED, labeled, now);
      store.write(batch);
    }
    move(task.state(), TaskState.LABELED);
    labelsAdded.run();
    return new LabelResult(labeled, true);
  }

  /** Gives a leased task back; it goes behind tasks skipped fewer times, or expires. */
  public synchronized TaskRecord skip(String sampleId, String labeler, long now) {
    TaskRecord task = require(sampleId);
    if (task.state() != TaskState.LEASED || !task.leasedBy().equals(labeler)) {
      throw new TaskException(
          Kind.CONFLICT, "task " + sampleId + " is not leased by " + labeler + "; lease it first");
    }
    TaskRecord next = task.released(true);
    if (next.skips() >= maxSkips) {
      next = next.expired("skipped " + next.skips() + " times");
    }
    replace(task, next);
    return next;
  }

  /**
   * Returns tasks whose lease ended to pending and expires pending tasks older than the TTL.
   *
   * @return how many tasks changed
   */
  public synchronized int reap(long now) {
    List<String> ended = new ArrayList<>();
    store.scan(
        Family.LEASES,
        null,
        (k, v) -> {
          if (TaskKeys.leaseUntilOf(k) > now) {
            return false;
          }
          ended.add(TaskKeys.sampleIdOfLease(k));
          return true;
        });
    for (String id : ended) {
      TaskRecord task = require(id);
      replace(task, task.released(false));
    }
    List<TaskRecord> old = new ArrayList<>();
    long cutoff = now - taskTtl.toMillis();
    store.scan(
        Family.PENDING,
        null,
        (k, v) -> {
          TaskRecord t = require(TaskKeys.sampleIdOfPriority(k));
          if (t.createdAt() < cutoff) {
            old.add(t);
          }
          return old.size() < 10_000;
        });
    for (TaskRecord t : old) {
      replace(t, t.expired("older than the task TTL of " + taskTtl));
    }
    return ended.size() + old.size();
  }

  public Optional<TaskRecord> find(String sampleId) {
    byte[] v = store.get(Family.TASKS, TaskKeys.utf8(sampleId));
    return v == null ? Optional.empty() : Optional.of(QueueJson.readTask(v));
  }

  /**
   * One page of tasks in sample-id order, optionally of one state, starting after {@code after}.
   */
  public List<TaskRecord> list(TaskState state, String after, int limit) {
    List<TaskRecord> page = new ArrayList<>();
    byte[] from = after == null ? null : TaskKeys.utf8(after + "\0");
    store.scan(
        Family.TASKS,
        from,
        (k, v) -> {
          TaskRecord t = QueueJson.readTask(v);
          if (state == null || t.state() == state) {
            page.add(t);
          }
          return page.size() < limit;
        });
    return page;
  }

  /** Number of tasks per state. */
  public Map<TaskState, Long> counts() {
    Map<TaskState, Long> out = new EnumMap<>(TaskState.class);
    counts.forEach((s, n) -> out.put(s, n.get()));
    return out;
  }

  private Optional<TaskRecord> heldBy(String labeler) {
    Optional<TaskRecord>[] held = new Optional[] {Optional.empty()};
    store.scan(
        Family.LEASES,
        null,
        (k, v) -> {
          TaskRecord t = require(TaskKeys.sampleIdOfLease(k));
          if (labeler.equals(t.leasedBy())) {
            held[0] = Optional.of(t);
            return false;
          }
          return true;
        });
    return held[0];
  }

  private TaskRecord require(String sampleId) {
    return find(sampleId)
        .orElseThrow(() -> new TaskException(Kind.NOT_FOUND, "no task for sample id " + sampleId));
  }

  private void replace(TaskRecord before, TaskRecord after) {
    try (WriteBatch batch = new WriteBatch()) {
      unindex(batch, before);
      putTask(batch, after);
      if (after.state() == TaskState.PENDING) {
        store.put(batch, Family.PENDING, after.priorityKey(), new byte[0]);
      }
      store.write(batch);
    }
    move(before.state(), after.state());
  }

  private void unindex(WriteBatch batch, TaskRecord task) {
    if (task.state() == TaskState.PENDING) {
      store.delete(batch, Family.PENDING, task.priorityKey());
    } else if (task.state() == TaskState.LEASED) {
      store.delete(batch, Family.LEASES, TaskKeys.lease(task.leaseUntil(), task.sampleId()));
    }
  }

  private void putTask(WriteBatch batch, TaskRecord task) {
    store.put(batch, Family.TASKS, TaskKeys.utf8(task.sampleId()), QueueJson.write(task));
  }

  private void move(TaskState from, TaskState to) {
    counts.get(from).decrementAndGet();
    counts.get(to).incrementAndGet();
  }
}
