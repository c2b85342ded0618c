package org.ctrflow.labelqueue.http;

import static org.ctrflow.labelqueue.http.ApiServer.json;
import static org.ctrflow.labelqueue.http.ApiServer.principal;

import com.fasterxml.jackson.databind.JsonNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.ctrflow.labelqueue.TaskQueue;
import org.ctrflow.labelqueue.publish.ParkedLabels;
import org.ctrflow.labelqueue.store.QueueJson;
import org.ctrflow.labelqueue.store.TaskException;
import org.ctrflow.labelqueue.store.TaskRecord;
import org.ctrflow.labelqueue.store.TaskState;

/**
 * The labeler API: list, query, lease, label and skip tasks; queue statistics; and, for admins, the
 * labels parked because they cannot be published.
 */
public final class TaskRoutes {

  static final int MAX_PAGE = 500;

  private final TaskQueue queue;
  private final ParkedLabels parked;
  private final LabelerStats stats = new LabelerStats();

  public TaskRoutes(TaskQueue queue, ParkedLabels parked) {
    this.queue = queue;
    this.parked = parked;
  }

  void register(RoutesConfig r, ApiServer.Guard guard) {
    guard.get(r, "/api/tasks", Role.LABELER, "list", this::list);
    guard.get(
        r,
        "/api/tasks/{id}",
        Role.LABELER,
        "get",
        ctx ->
            json(
                ctx,
                queue
                    .find(ctx.pathParam("id"))
                    .orElseThrow(
                        () ->
                            new TaskException(
                                TaskException.Kind.NOT_FOUND,
                                "no task for sample id " + ctx.pathParam("id")))));
    r.post("/api/tasks/lease", guard.require(Role.LABELER, "lease", this::lease));
    r.post("/api/tasks/{id}/label", guard.require(Role.LABELER, "label", this::label));
    r.post("/api/tasks/{id}/skip", guard.require(Role.LABELER, "skip", this::skip));
    guard.get(r, "/api/stats", Role.LABELER, "stats", this::stats);
    guard.get(r, "/api/labels/parked", Role.ADMIN, "labels-parked", this::parked);
  }

  private void list(Context ctx) {
    String stateParam = ctx.queryParam("state");
    TaskState state = null;
    if (stateParam != null) {
      try {
        state = TaskState.valueOf(stateParam.toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(
            "state must be one of pending, leased, labeled, expired; was '" + stateParam + "'");
      }
    }
    int limit = 50;
    String limitParam = ctx.queryParam("limit");
    if (limitParam != null) {
      try {
        limit = Integer.parseInt(limitParam);
      } catch (NumberFormatException e) {
        limit = -1;
      }
      if (limit < 1 || limit > MAX_PAGE) {
        throw new IllegalArgumentException(
            "limit must be 1.." + MAX_PAGE + "; was '" + limitParam + "'");
      }
    }
    List<TaskRecord> page = queue.list(state, ctx.queryParam("after"), limit);
    Map<String, Object> body = new LinkedHashMap<>();
    body.put("tasks", page);
    // A full page may have a successor: the cursor is the last sample id.
    body.put("next", page.size() == limit ? page.get(page.size() - 1).sampleId() : null);
    json(ctx, body);
  }

  private void lease(Context ctx) {
    var task = queue.lease(principal(ctx).name(), System.currentTimeMillis());
    if (task.isEmpty()) {
      ctx.status(204);
    } else {
      json(ctx, task.get());
    }
  }

  private void label(Context ctx) throws java.io.IOException {
    JsonNode body = QueueJson.MAPPER.readTree(ctx.bodyAsBytes());
    JsonNode label = body == null ? null : body.get("label");
    if (label == null || !label.isInt() || (label.intValue() != 0 && label.intValue() != 1)) {
      throw new IllegalArgumentException(
          "label: must be 0 (no click) or 1 (click), e.g. {\"label\": 1}");
    }
    long now = System.currentTimeMillis();
    String labeler = principal(ctx).name();
    var result = queue.label(ctx.pathParam("id"), label.intValue(), labeler, true, now);
    if (result.changed()) {
      stats.labeled(labeler, now);
    }
    json(ctx, result.task());
  }

  private void parked(Context ctx) {
    List<Map<String, Object>> out = new ArrayList<>();
    for (ParkedLabels.Parked p : parked.all()) {
      Map<String, Object> entry = new LinkedHashMap<>();
      entry.put("seq", p.seq());
      entry.put("reason", p.reason());
      entry.put("parkedAt", p.parkedAt());
      entry.put("bytes", p.label().length);
      out.add(entry);
    }
    json(ctx, out);
  }

  private void skip(Context ctx) {
    json(ctx, queue.skip(ctx.pathParam("id"), principal(ctx).name(), System.currentTimeMillis()));
  }

  private void stats(Context ctx) {
    long now = System.currentTimeMillis();
    Map<String, Object> body = new LinkedHashMap<>();
    Map<String, Long> counts = new LinkedHashMap<>();
    queue.counts().forEach((s, n) -> counts.put(s.name().toLowerCase(Locale.ROOT), n));
    body.put("tasks", counts);
    body.put("labeler", principal(ctx).name());
    int recent = stats.recent(principal(ctx).name(), now);
    body.put("labelsLast10Min", recent);
    body.put("labelsPerMinute", recent / (LabelerStats.WINDOW_MS / 60_000.0));
    json(ctx, body);
  }
}
