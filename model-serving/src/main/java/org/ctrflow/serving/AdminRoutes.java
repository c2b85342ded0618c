package org.ctrflow.serving;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.http.Handler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.BiFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The token-protected admin endpoints: a model's current, pinned and warm versions ({@code GET
 * /admin/models/{name}}), pinning a version and unpinning. Without a configured admin token they
 * answer 403; with a wrong or missing token 401.
 */
final class AdminRoutes {

  private static final Logger LOG = LoggerFactory.getLogger(AdminRoutes.class);

  private final ModelRegistry registry;
  private final ServingMetrics metrics;
  private final ServingConfig config;

  AdminRoutes(ModelRegistry registry, ServingMetrics metrics, ServingConfig config) {
    this.registry = registry;
    this.metrics = metrics;
    this.config = config;
  }

  /**
   * Adds the admin routes to {@code routes}, each wrapped by {@code timed} (the server's timing and
   * error handling, by endpoint name).
   */
  void register(RoutesConfig routes, BiFunction<String, Handler, Handler> timed) {
    InferenceServer.getAndHead(routes, "/admin/models/{name}", timed.apply("admin", this::status));
    routes.post("/admin/models/{name}/versions/{version}/pin", timed.apply("admin", this::pin));
    routes.delete("/admin/models/{name}/pin", timed.apply("admin", this::unpin));
  }

  private void requireAdmin(Context ctx) {
    String token = config.get(ServingConfig.ADMIN_TOKEN);
    if (token.isEmpty()) {
      throw new ApiException(403, "admin: disabled; start the server with an admin token");
    }
    String given = ctx.header("Authorization");
    if (given == null
        || !MessageDigest.isEqual(
            given.getBytes(StandardCharsets.UTF_8),
            ("Bearer " + token).getBytes(StandardCharsets.UTF_8))) {
      throw new ApiException(401, "Authorization: expected 'Bearer <admin token>'");
    }
  }

  private void status(Context ctx) {
    requireAdmin(ctx);
    ModelVersions model = registry.require(ctx.pathParam("name"));
    InferenceServer.json(ctx, 200, status(model));
  }

  private void pin(Context ctx) {
    requireAdmin(ctx);
    ModelVersions model = registry.require(ctx.pathParam("name"));
    try {
      model.pin(InferenceServer.version(ctx));
    } catch (IllegalArgumentException e) {
      throw new ApiException(404, "version: " + e.getMessage());
    }
    metrics.modelVersion.labelValues(model.name()).set(model.peekCurrent().version());
    LOG.info("pinned {} to version {}", model.name(), model.pinned());
    InferenceServer.json(ctx, 200, status(model));
  }

  private void unpin(Context ctx) {
    requireAdmin(ctx);
    ModelVersions model = registry.require(ctx.pathParam("name"));
    model.unpin();
    ModelHandle current = model.peekCurrent();
    if (current != null) {
      metrics.modelVersion.labelValues(model.name()).set(current.version());
    }
    InferenceServer.json(ctx, 200, status(model));
  }

  private static Map<String, Object> status(ModelVersions model) {
    ModelHandle current = model.peekCurrent();
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("name", model.name());
    out.put("current", current == null ? null : current.version());
    out.put("pinned", model.pinned());
    out.put("warm", model.warmVersions());
    return out;
  }
}
