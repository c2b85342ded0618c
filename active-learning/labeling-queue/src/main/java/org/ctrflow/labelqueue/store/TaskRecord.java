package org.ctrflow.labelqueue.store;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.Objects;
import org.ctrflow.connectors.events.LabelRequest;

/**
 * One labeling task as stored: the request that created it and its state. Stored as JSON with a
 * format version; {@link QueueJson#readTask} rejects versions it does not know.
 *
 * @param v format version, {@link #FORMAT_VERSION}
 * @param request the label request, as consumed
 * @param state the task's state
 * @param createdAt when the queue stored it, epoch ms
 * @param skips how often labelers skipped it
 * @param leasedBy the labeler holding the lease (LEASED), else null
 * @param leaseUntil end of the lease, epoch ms (LEASED), else 0
 * @param label 0 or 1 (LABELED), else null
 * @param labeler who labeled it (LABELED), else null
 * @param labeledAt when, epoch ms (LABELED), else 0
 * @param reason why it expired (EXPIRED), else null
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record TaskRecord(
    int v,
    LabelRequest request,
    TaskState state,
    long createdAt,
    int skips,
    String leasedBy,
    long leaseUntil,
    Integer label,
    String labeler,
    long labeledAt,
    String reason) {

  public static final int FORMAT_VERSION = 1;

  public TaskRecord {
    Objects.requireNonNull(request, "request");
    Objects.requireNonNull(state, "state");
  }

  /** A new pending task. */
  public static TaskRecord pending(LabelRequest request, long now) {
    return new TaskRecord(
        FORMAT_VERSION, request, TaskState.PENDING, now, 0, null, 0, null, null, 0, null);
  }

  public String sampleId() {
    return request.sampleId();
  }

  /** This task's key in the pending index. */
  public byte[] priorityKey() {
    return TaskKeys.priority(skips, request.uncertainty(), createdAt, sampleId());
  }

  public TaskRecord leased(String labeler, long until) {
    return new TaskRecord(
        v, request, TaskState.LEASED, createdAt, skips, labeler, until, null, null, 0, null);
  }

  /** Back to pending, e.g. when a lease ends; {@code skipped} counts one more skip. */
  public TaskRecord released(boolean skipped) {
    return new TaskRecord(
        v,
        request,
        TaskState.PENDING,
        createdAt,
        skips + (skipped ? 1 : 0),
        null,
        0,
        null,
        null,
        0,
        null);
  }

  public TaskRecord labeled(int value, String by, long at) {
    return new TaskRecord(
        v, request, TaskState.LABELED, createdAt, skips, null, 0, value, by, at, null);
  }

  public TaskRecord expired(String why) {
    return new TaskRecord(
        v, request, TaskState.EXPIRED, createdAt, skips, null, 0, null, null, 0, why);
  }
}
